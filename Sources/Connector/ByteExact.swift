import TextCodecs

/// A row's label values as a dictionary key compared and hashed byte for byte (nil = label absent).
struct ByteExactKey: Hashable {
    var values: [String?]

    static func == (a: ByteExactKey, b: ByteExactKey) -> Bool {
        a.values.count == b.values.count
            && zip(a.values, b.values).allSatisfy { x, y in
                switch (x, y) {
                case (nil, nil): true
                case let (x?, y?): x.bytesEqual(y)
                default: false
                }
            }
    }

    func hash(into hasher: inout Hasher) {
        for value in values {
            guard var value else {
                hasher.combine(0 as UInt8)
                continue
            }
            hasher.combine(1 as UInt8)
            value.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(value.utf8.count)
        }
    }
}
