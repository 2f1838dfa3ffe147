/// The few string operations the exporter took from Foundation's ICU-backed part (`CharacterSet`,
/// `addingPercentEncoding`, `trimmingCharacters`, `String(format:)`), written on the standard library so the binary
/// links `FoundationEssentials` only (see docs/ARCHITECTURE.md, "Image").
extension StringProtocol {
    /// `trimmingCharacters(in: .whitespaces)`: without leading and trailing tabs and Unicode space separators;
    /// with `newlines`, `.whitespacesAndNewlines`: line and paragraph separators, U+000A–U+000D and U+0085 too.
    package func trimmingWhitespace(newlines: Bool = false) -> String {
        let isSpace: (Unicode.Scalar) -> Bool = {
            $0 == "\t" || $0.properties.generalCategory == .spaceSeparator
                || newlines && ((0x0A...0x0D).contains($0.value) || $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029)
        }
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// `addingPercentEncoding(withAllowedCharacters:)` for an ASCII set: every UTF-8 byte that is not one of
    /// `allowed` becomes `%XX` (upper-case hex).
    package func percentEncoded(allowing allowed: (UInt8) -> Bool) -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for byte in utf8 {
            if byte < 0x80, allowed(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + byte.hex(width: 2).uppercased()
            }
        }
        return result
    }
}

extension UInt8 {
    /// RFC 3986's unreserved characters: ASCII letters and digits, `-`, `.`, `_` and `~`.
    package var isUnreserved: Bool {
        isASCIILetterOrDigit || self == UInt8(ascii: "-") || self == UInt8(ascii: ".") || self == UInt8(ascii: "_")
            || self == UInt8(ascii: "~")
    }

    /// An ASCII letter or digit.
    package var isASCIILetterOrDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}

extension BinaryInteger {
    /// `String(format: "%0<width>x", self)`: lower-case hex, zero-padded to `width` digits.
    package func hex(width: Int) -> String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension Double {
    /// `String(format: "%.<decimals>f", self)` for finite values: rounded half away from zero.
    package func fixed(decimals: Int) -> String {
        guard isFinite else { return String(self) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (magnitude * scale).rounded()
        guard scaled < 9e15 else { return String(self) }
        let units = Int(scaled)
        let whole = units / Int(scale)
        let sign = self < 0 && units != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let fraction = String(units % Int(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}
