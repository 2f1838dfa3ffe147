/// The creation time a MongoDB ObjectId carries: its first 4 bytes, big-endian Unix seconds.
public enum ObjectIDTimestamp {
    /// Nil unless `id` is exactly 24 hexadecimal characters.
    public static func seconds(_ id: String) -> Double? {
        var id = id
        return id.withUTF8 { seconds(UnsafeRawBufferPointer($0)) }
    }

    /// The same, from the id's bytes.
    public static func seconds(_ utf8: UnsafeRawBufferPointer) -> Double? {
        guard utf8.count == 24 else { return nil }
        var value: UInt64 = 0
        for (index, byte) in utf8.enumerated() {
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 97...102: digit = byte - 87
            case 65...70: digit = byte - 55
            default: return nil
            }
            if index < 8 { value = value << 4 | UInt64(digit) }
        }
        return Double(value)
    }
}
