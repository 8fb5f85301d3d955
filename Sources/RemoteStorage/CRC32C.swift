/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Prometheus puts in each frame of a
/// streamed remote-read answer (storage/remote/chunked.go, `crc32.MakeTable(crc32.Castagnoli)`). An integrity
/// check, not cryptography: a byte-at-a-time table is plenty for bodies capped at 6 MB.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The checksum of `bytes` (initial value and final XOR 0xFFFFFFFF, as in Go's hash/crc32).
    package static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
