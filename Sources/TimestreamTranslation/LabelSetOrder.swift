import RemoteStorage
import TextCodecs

/// The order of label sets in a TSDB block, which a STREAMED_XOR_CHUNKS answer keeps (prompb/remote.proto,
/// ChunkedReadResponse: "Series are returned sorted in the same way TSDB block are internally"): Prometheus'
/// `labels.Compare` — labels (sorted by name) compared pair by pair, name first, then value, both byte-wise; when
/// one set is a prefix of the other, the shorter comes first.
package enum LabelSetOrder {
    /// Whether `a` sorts before `b` (both sorted by name).
    package static func precedes(_ a: [Label], _ b: [Label]) -> Bool {
        for (x, y) in zip(a, b) {
            if !x.name.bytesEqual(y.name) { return x.name.utf8.lexicographicallyPrecedes(y.name.utf8) }
            if !x.value.bytesEqual(y.value) { return x.value.utf8.lexicographicallyPrecedes(y.value.utf8) }
        }
        return a.count < b.count
    }
}
