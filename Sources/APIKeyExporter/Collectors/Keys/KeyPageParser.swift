/// Reads one page of `GET /orgs/{ORG-ID}/apiKeys` straight from its bytes into a `KeyTableBuilder`.
///
/// Foundation's `JSONDecoder` builds a tree and walks it through generic containers, which made decoding most of a
/// poll cycle's CPU (docs/PERFORMANCE.md). This reader makes one pass and copies each key's id, public key and description bytes into the builder; it makes no `String` per
/// key, and one per distinct role.
///
/// It is strict and gives up rather than guess: on anything it does not fully understand (invalid JSON or UTF-8, a
/// wrong type, a missing required field, a number that is not a plain integer, nesting deeper than 32) it returns
/// nil with the builder as it was, and the caller decodes the same bytes with `JSONDecoder`, which reports the error
/// with the path of the bad field. So it only ever has to be right about well-formed pages; every read is
/// bounds-checked.
struct KeyPageParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Adds the page's keys to `builder` and returns the rest of the page, or nil (and `builder` unchanged) when
    /// `JSONDecoder` should have the last word.
    static func parse(_ body: [UInt8], into builder: inout KeyTableBuilder) -> PageSummary? {
        let mark = builder.mark
        let info = body.withUnsafeBufferPointer { buffer -> PageSummary? in
            var parser = KeyPageParser(bytes: buffer)
            guard let info = parser.page(into: &builder) else { return nil }
            parser.skipWhitespace()
            return parser.index == buffer.count ? info : nil
        }
        if info == nil { builder.rollBack(to: mark) }
        return info
    }

    private static let maxDepth = 32

    // MARK: The page's shape

    private mutating func page(into builder: inout KeyTableBuilder) -> PageSummary? {
        var count: Int?
        var links: [APILink]?
        var totalCount: Int?
        let ok = object { parser, key in
            switch key {
            case "results":
                // A second "results" would add its keys to the first's: JSONDecoder decides such a page.
                guard count == nil else { return false }
                count = parser.array { $0.apiKey(into: &builder) ? true : nil }?.count
                return count != nil
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
        guard ok, let count else { return nil }
        return PageSummary(count: count, links: links, totalCount: totalCount)
    }

    /// One key into `builder`: its text fields as bytes, its roles by their bytes. A text field given twice: the last
    /// one counts, as with `JSONDecoder`; `roles` given twice is left to `JSONDecoder`.
    private mutating func apiKey(into builder: inout KeyTableBuilder) -> Bool {
        builder.startKey()
        var hasID = false
        var hasRoles = false
        let ok = object { parser, key in
            switch key {
            case "id":
                hasID = parser.stringBytes { builder.setID($0) }
                return hasID
            case "publicKey": return parser.nullableStringBytes { builder.setPublicKey($0) }
            case "desc": return parser.nullableStringBytes { builder.setDescription($0) }
            case "roles":
                // A second "roles" would add to the first: JSONDecoder decides such a page.
                guard !hasRoles else { return false }
                hasRoles = true
                parser.skipWhitespace()
                if parser.literal("null") { return true }
                return parser.array { $0.role(into: &builder) ? true : nil } != nil
            default:
                return parser.skipValue(depth: 2)
            }
        }
        guard ok, hasID else { return false }
        builder.finishKey()
        return true
    }

    /// One role of the key being read: an entry with a `groupId` is a project role, any other an org role.
    private mutating func role(into builder: inout KeyTableBuilder) -> Bool {
        var roleName: JSONText?
        var groupID: JSONText?
        let ok = object { parser, key in
            switch key {
            case "roleName":
                roleName = parser.stringText()
                return roleName != nil
            case "groupId":
                guard let value = parser.nullOr({ $0.stringText() }) else { return false }
                groupID = value
                return true
            default:
                return parser.skipValue(depth: 3)
            }
        }
        guard ok, let roleName else { return false }
        withText(roleName) { name in
            if let groupID {
                withText(groupID) { builder.appendRole(name: name, group: $0) }
            } else {
                builder.appendRole(name: name, group: nil)
            }
        }
        return true
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

    /// A JSON string's UTF-8: where it lies in the input when it has no escape (nearly always), else its decoded
    /// bytes.
    private enum JSONText {
        case input(Range<Int>)
        case decoded([UInt8])
    }

    private func withText(_ text: JSONText, _ body: (UnsafeRawBufferPointer) -> Void) {
        switch text {
        case .input(let range): body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range])))
        case .decoded(let utf8): utf8.withUnsafeBytes(body)
        }
    }

    /// A JSON string; nil when it is not one, or not valid UTF-8 (left to JSONDecoder to refuse).
    private mutating func stringText() -> JSONText? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var highBits: UInt8 = 0
        while let byte = peek() {
            if byte == UInt8(ascii: "\"") {
                let range = start..<index
                index += 1
                // ASCII is valid UTF-8 as it is; anything else is checked (rarely needed, and slower).
                guard highBits < 0x80 || String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) != nil
                else { return nil }
                return .input(range)
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
                return String(validating: utf8, as: UTF8.self) == nil ? nil : .decoded(utf8)
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

    /// A JSON string's bytes handed to `body`; false when the value is not a string.
    private mutating func stringBytes(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard let text = stringText() else { return false }
        withText(text, body)
        return true
    }

    /// A string handed to `body`, or `null` (nothing is handed over); false when the value is neither.
    private mutating func nullableStringBytes(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        skipWhitespace()
        if literal("null") { return true }
        return stringBytes(body)
    }

    /// A JSON string as a `String` (object keys, links).
    private mutating func string() -> String? {
        guard let text = stringText() else { return nil }
        var result = ""
        withText(text) { result = String(decoding: $0, as: UTF8.self) }
        return result
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
