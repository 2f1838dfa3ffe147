/// Reads one page of `GET /orgs/{ORG-ID}/apiKeys` straight from its bytes into `ListPage<APIKey>`.
///
/// Decoding the key pages was three quarters of a poll cycle's CPU with Foundation's `JSONDecoder` (measured with
/// `perf` on `apikey-benchmark`): Codable builds a tree and walks it through generic containers. This reader makes
/// one pass and allocates only the strings it keeps.
///
/// It is strict and gives up rather than guess: on anything it does not fully understand (invalid JSON, a wrong
/// type, a missing required field, a number that is not a plain integer, nesting deeper than 32) it returns nil,
/// and the caller decodes the same bytes with `JSONDecoder`, which reports the error with the path of the bad field.
/// So it only ever has to be right about well-formed pages; every read is bounds-checked.
struct KeyPageParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The page, or nil when `JSONDecoder` should have the last word.
    static func parse(_ body: [UInt8]) -> ListPage<APIKey>? {
        body.withUnsafeBufferPointer { buffer in
            var parser = KeyPageParser(bytes: buffer)
            guard let page = parser.page() else { return nil }
            parser.skipWhitespace()
            return parser.index == buffer.count ? page : nil
        }
    }

    private static let maxDepth = 32

    // MARK: The page's shape

    private mutating func page() -> ListPage<APIKey>? {
        var results: [APIKey]?
        var links: [APILink]?
        var totalCount: Int?
        let ok = object { parser, key in
            switch key {
            case "results":
                results = parser.array { $0.apiKey() }
                return results != nil
            case "links":
                guard let value = parser.nullOr({ $0.array { $0.link() } }) else { return false }
                links = value
                return true
            case "totalCount":
                guard let value = parser.nullOr({ $0.integer() }) else { return false }
                totalCount = value
                return true
            default:
                return parser.skipValue(depth: 1)
            }
        }
        guard ok, let results else { return nil }
        return ListPage(results: results, links: links, totalCount: totalCount)
    }

    private mutating func apiKey() -> APIKey? {
        var id: String?
        var publicKey = ""
        var desc = ""
        var roles: [RoleAssignment] = []
        let ok = object { parser, key in
            switch key {
            case "id":
                id = parser.string()
                return id != nil
            case "publicKey": return parser.nullableString { publicKey = $0 ?? "" }
            case "desc": return parser.nullableString { desc = $0 ?? "" }
            case "roles":
                guard let value = parser.nullOr({ $0.array { $0.role() } }) else { return false }
                roles = value ?? []
                return true
            default:
                return parser.skipValue(depth: 2)
            }
        }
        guard ok, let id else { return nil }
        return APIKey(id: id, publicKey: publicKey, desc: desc, roles: roles)
    }

    private mutating func role() -> RoleAssignment? {
        var roleName: String?
        var groupID: String?
        let ok = object { parser, key in
            switch key {
            case "roleName":
                roleName = parser.string()
                return roleName != nil
            case "groupId": return parser.nullableString { groupID = $0 }
            default:
                return parser.skipValue(depth: 3)
            }
        }
        guard ok, let roleName else { return nil }
        return RoleAssignment(scope: groupID.map { .project($0) } ?? .organization, roleName: roleName)
    }

    private mutating func link() -> APILink? {
        var link = APILink()
        let ok = object { parser, key in
            switch key {
            case "rel": return parser.nullableString { link.rel = $0 }
            case "href": return parser.nullableString { link.href = $0 }
            default:
                return parser.skipValue(depth: 2)
            }
        }
        return ok ? link : nil
    }

    // MARK: JSON

    /// Reads `{ "key": value, ... }`, handing each key to `member`, which must read the value and say whether it
    /// could.
    private mutating func object(_ member: (inout KeyPageParser, String) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            guard let key = string(), consume(UInt8(ascii: ":")), member(&self, key) else { return false }
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}"))
        }
    }

    /// Reads `[ element, ... ]`; nil if any element is nil.
    private mutating func array<Element>(_ element: (inout KeyPageParser) -> Element?) -> [Element]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var elements: [Element] = []
        if consume(UInt8(ascii: "]")) { return elements }
        while true {
            guard let value = element(&self) else { return nil }
            elements.append(value)
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "]")) ? elements : nil
        }
    }

    /// `.some(nil)` for `null`, `.some(value)` for what `read` makes of the value, nil when neither.
    private mutating func nullOr<T>(_ read: (inout KeyPageParser) -> T?) -> T?? {
        skipWhitespace()
        if literal("null") { return .some(nil) }
        guard let value = read(&self) else { return nil }
        return .some(value)
    }

    /// A string or `null` (nil), handed to `assign`; false when the value is neither.
    private mutating func nullableString(_ assign: (String?) -> Void) -> Bool {
        guard let value = nullOr({ $0.string() }) else { return false }
        assign(value)
        return true
    }

    /// A JSON integer without fraction or exponent, as `Int`.
    private mutating func integer() -> Int? {
        skipWhitespace()
        var negative = false
        if peek() == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0, peek().map({ $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }) ?? true
        else { return nil }
        return negative ? -value : value
    }

    /// A JSON string. Without escapes (nearly always) it is one copy of the bytes between the quotes.
    private mutating func string() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var highBits: UInt8 = 0
        while let byte = peek() {
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // ASCII (nearly always) is valid UTF-8 as it is: String(decoding:) then only copies. Otherwise invalid
                // UTF-8 is left to JSONDecoder to refuse (String(validating:) is several times slower).
                return highBits < 0x80 ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { return nil }
            highBits |= byte
            index += 1
        }
        var utf8 = Array(bytes[start..<index])
        while let byte = peek() {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { return nil }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    utf8.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            default:
                if byte < 0x20 { return nil }
                utf8.append(byte)
            }
        }
        return nil
    }

    /// After `\u`: four hex digits, or a surrogate pair written as two escapes.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        if (0xD800..<0xDC00).contains(high) {
            guard consume(UInt8(ascii: "\\"), skippingWhitespace: false), consume(UInt8(ascii: "u"), skippingWhitespace: false),
                  let low = hex4(), (0xDC00..<0xE000).contains(low)
            else { return nil }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        return Unicode.Scalar(high)
    }

    private mutating func hex4() -> UInt32? {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { return nil }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Skips any JSON value, checking its syntax.
    private mutating func skipValue(depth: Int) -> Bool {
        guard depth <= Self.maxDepth else { return false }
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "{"): return object { parser, _ in parser.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): return array { parser in parser.skipValue(depth: depth + 1) ? true : nil } != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    /// Any JSON number: `-? int frac? exp?`.
    private mutating func number() -> Bool {
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard digits() else { return false }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard digits() else { return false }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard digits() else { return false }
        }
        return true
    }

    private mutating func digits() -> Bool {
        let start = index
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index > start
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        if matches { index += count }
        return matches
    }

    // MARK: Bytes

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    /// Skips whitespace, then takes `byte` if it is next.
    private mutating func consume(_ byte: UInt8, skippingWhitespace: Bool = true) -> Bool {
        if skippingWhitespace { skipWhitespace() }
        guard peek() == byte else { return false }
        index += 1
        return true
    }
}
