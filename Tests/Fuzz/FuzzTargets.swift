// libFuzzer entry point for the RemoteStorage decoders, compiled together with Sources/RemoteStorage by
// scripts/fuzz (swiftc -sanitize=fuzzer,address). One binary, three targets chosen by $FUZZ_TARGET:
//   snappy — Snappy.decompress on arbitrary bytes; whatever decodes must survive compress → decompress,
//            and every input must survive compress → decompress (the encoder is fuzzed too);
//   write  — WriteRequestView (the one 1.0 decoder, in place) on arbitrary bytes; every span of a decoded request
//            lies in the body, and its labels and samples re-encode to a body that decodes to the same values;
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
    guard let view = try? WriteRequestView(protobuf: input) else { return }
    let request = values(view, input)
    let encoded = request.serialized()
    let again = encoded.withUnsafeBytes { bytes in
        (try? WriteRequestView(protobuf: bytes)).map { values($0, bytes) }
    }
    guard let again else { preconditionFailure("write round trip: the re-encoded body does not decode") }
    precondition(again.timeseries.count == request.timeseries.count, "write round trip: series count")
    for (a, b) in zip(again.timeseries, request.timeseries) {
        precondition(a.labels == b.labels && a.samples == b.samples, "write round trip: series content")
    }
}

func fuzzReadRequest(_ input: UnsafeRawBufferPointer) {
    guard let request = try? ReadRequest(protobuf: input) else { return }
    precondition(try! ReadRequest(protobuf: request.serialized()) == request, "read round trip")
}

/// The view's labels and samples as values; every span must lie inside `body`.
func values(_ view: WriteRequestView, _ body: UnsafeRawBufferPointer) -> WriteRequest {
    func text(_ offset: UInt32, _ count: UInt32) -> String {
        precondition(Int(offset) + Int(count) <= body.count, "view: a span outside the body")
        return String(decoding: body[Int(offset)..<Int(offset) + Int(count)], as: UTF8.self)
    }
    precondition(view.series.last.map { $0.labels.upperBound == view.labels.count } ?? view.labels.isEmpty, "view: labels")
    return WriteRequest(
        timeseries: view.series.map { ranges in
            TimeSeries(
                labels: view.labels[ranges.labels].map {
                    Label(name: text($0.nameOffset, $0.nameCount), value: text($0.valueOffset, $0.valueCount))
                },
                samples: Array(view.samples[ranges.samples]))
        })
}
