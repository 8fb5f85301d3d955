// libFuzzer entry point for the RemoteStorage decoders, compiled together with Sources/RemoteStorage by
// scripts/fuzz (swiftc -sanitize=fuzzer,address). One binary, three targets chosen by $FUZZ_TARGET:
//   snappy — Snappy.decompress on arbitrary bytes; whatever decodes must survive compress → decompress,
//            and every input must survive compress → decompress (the encoder is fuzzed too);
//   write  — WriteRequest(protobuf:) on arbitrary bytes; a decoded request re-encodes to the same series, and
//            WriteRequestView (the in-place reading) answers only bodies the decoder accepts, with its values;
//   read   — ReadRequest(protobuf:) on arbitrary bytes; a decoded request re-encodes to the same request.
// Decoding errors are expected; a trap, a sanitizer report or a broken round trip is a finding.
#if canImport(Glibc)
import Glibc
#endif

enum FuzzTarget: String {
    case snappy, write, read
}

nonisolated(unsafe) var fuzzTarget = FuzzTarget.snappy

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>>>) -> CInt {
    if let name = getenv("FUZZ_TARGET"), let target = FuzzTarget(rawValue: String(cString: name)) {
        fuzzTarget = target
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    switch fuzzTarget {
    case .snappy: fuzzSnappy(input)
    case .write: fuzzWriteRequest(input)
    case .read: fuzzReadRequest(input)
    }
    return 0
}

func fuzzSnappy(_ input: UnsafeRawBufferPointer) {
    if let decoded = try? Snappy.decompress(input, maxDecodedLength: 4 << 20) {
        precondition(try! Snappy.decompress(Snappy.compress(decoded)) == decoded, "snappy round trip of decoded")
    }
    let raw = [UInt8](input)
    precondition(try! Snappy.decompress(Snappy.compress(raw)) == raw, "snappy round trip of input")
}

func fuzzWriteRequest(_ input: UnsafeRawBufferPointer) {
    let view = WriteRequestView(protobuf: input)
    guard let request = try? WriteRequest(protobuf: input) else {
        precondition(view == nil, "the in-place view read a body the decoder refuses")
        return
    }
    if let view { checkView(view, input, against: request) }
    let again = try! WriteRequest(protobuf: request.serialized())
    precondition(again.timeseries.count == request.timeseries.count, "write round trip: series count")
    for (a, b) in zip(again.timeseries, request.timeseries) {
        precondition(a.labels == b.labels && a.samples == b.samples, "write round trip: series content")
    }
}

func fuzzReadRequest(_ input: UnsafeRawBufferPointer) {
    guard let request = try? ReadRequest(protobuf: input) else { return }
    precondition(try! ReadRequest(protobuf: request.serialized()) == request, "read round trip")
}

/// The view holds exactly the decoder's labels (bytes) and samples (bits).
func checkView(_ view: WriteRequestView, _ body: UnsafeRawBufferPointer, against request: WriteRequest) {
    precondition(view.series.count == request.timeseries.count, "view: series count")
    for (ranges, series) in zip(view.series, request.timeseries) {
        let labels = view.labels[ranges.labels]
        precondition(labels.count == series.labels.count, "view: label count")
        for (bytes, label) in zip(labels, series.labels) {
            let name = body[Int(bytes.nameOffset)..<Int(bytes.nameOffset + bytes.nameCount)]
            let value = body[Int(bytes.valueOffset)..<Int(bytes.valueOffset + bytes.valueCount)]
            precondition(name.elementsEqual(label.name.utf8) && value.elementsEqual(label.value.utf8), "view: label")
        }
        let samples = view.samples[ranges.samples]
        precondition(samples.count == series.samples.count, "view: sample count")
        for (a, b) in zip(samples, series.samples) {
            precondition(a.value.bitPattern == b.value.bitPattern && a.timestamp == b.timestamp, "view: sample")
        }
    }
}
