// libFuzzer entry point for the RemoteStorage decoders, compiled together with Sources/RemoteStorage by
// scripts/fuzz (swiftc -sanitize=fuzzer,address). One binary, three targets chosen by $FUZZ_TARGET:
//   snappy — Snappy.decompress on arbitrary bytes; whatever decodes must survive compress → decompress,
//            and every input must survive compress → decompress (the encoder is fuzzed too);
//   write  — WriteRequest(protobuf:) on arbitrary bytes; a decoded request re-encodes to the same series;
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
    guard let request = try? WriteRequest(protobuf: input) else { return }
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
