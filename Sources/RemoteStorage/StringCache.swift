/// A direct-mapped cache of the strings decoded from one request. Label names repeat in every series and most
/// label values (job, metric name, cluster, status code…) repeat across series, so a hit returns the already
/// validated String (a retain) instead of validating, allocating and copying again.
/// The slot is picked from the length and the first and last 8 bytes; a hit is confirmed by comparing all bytes.
struct StringCache {
    private static let slotBits = 10
    private var slots: [String]

    init() {
        slots = Array(repeating: "", count: 1 << Self.slotBits)
    }

    @inline(__always)
    private static func slot(_ bytes: UnsafeRawBufferPointer) -> Int {
        let count = bytes.count
        var key = UInt64(truncatingIfNeeded: count) &* 0xff51_afd7_ed55_8ccd
        if count >= 8 {
            key ^= bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            key = (key ^ (key >> 29)) &* 0xbf58_476d_1ce4_e5b9
            key ^= bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else {
            for index in 0..<count { key ^= UInt64(bytes[index]) << (8 * UInt64(index)) }
        }
        key = (key ^ (key >> 31)) &* 0x94d0_49bb_1331_11eb
        return Int(truncatingIfNeeded: key >> UInt64(64 - slotBits))
    }

    /// The cached String equal to `bytes`, if any; otherwise nil and the slot to `store` into.
    @inline(__always)
    func lookup(_ bytes: UnsafeRawBufferPointer) -> (hit: String?, slot: Int) {
        let slot = Self.slot(bytes)
        let candidate = slots[slot]
        return (ProtobufReader.equals(candidate, bytes) ? candidate : nil, slot)
    }

    @inline(__always)
    mutating func store(_ string: String, at slot: Int) {
        slots[slot] = string
    }
}
