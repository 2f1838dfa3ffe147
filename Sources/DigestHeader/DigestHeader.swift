import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport

/// The grammar HTTP Digest headers share (RFC 7616): `Digest k=v, k="quoted, \"escaped\" value", ...`, and the
/// MD5 hex digests both sides compute. Shared by the exporter's client and the simulator's server; Apache
/// httpd's mod_auth_digest checks the two against an implementation of its own in the tests.
public enum DigestHeader {
    /// The fields of a `Digest ...` header with lower-cased names; nil if it is not a Digest header or a quoted
    /// value is not closed.
    public static func fields(_ header: String) -> [String: String]? {
        let trimmed = header.trimmingWhitespace()
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "digest " else { return nil }
        var fields: [String: String] = [:]
        var rest = Substring(trimmed.dropFirst(7))
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingWhitespace().lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingWhitespace()
                rest = rest[end...]
            }
            fields[key] = value
        }
        return fields
    }

    /// Lower-case hex MD5 of the UTF-8 bytes of `text`.
    public static func md5Hex(_ text: String) -> String {
        hex(Insecure.MD5.hash(data: Data(text.utf8)))
    }

    /// `count` random bytes as lower-case hex, for nonces and cnonces.
    public static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
