/// Collects keys into a `KeyTable` as they are read: the key page parser hands it each field's bytes straight from
/// the response (no `String`, no `APIKey`), and roles are looked up by their bytes among the org's distinct roles, so
/// a role string is made once per distinct role, not once per key.
public struct KeyTableBuilder {
    /// The text read so far, in blocks that are never moved once filled: one growing array would double by copying
    /// itself, holding the old and the new copy at once (an endless listing then peaked at 1.25 times its byte
    /// bound). A field never straddles two blocks; offsets count the bytes stored, gaps at block ends excluded.
    private var blocks: [[UInt8]] = []
    private var current: [UInt8] = []
    /// The offset of `current`'s first byte.
    private var currentStart = 0
    static let blockSize = 1 << 20

    /// Every byte stored, in one array (for the table, or a page read on its own).
    var text: [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(textCount)
        for block in blocks { all.append(contentsOf: block) }
        all.append(contentsOf: current)
        return all
    }

    private var textCount: Int { currentStart + current.count }
    var rows: [KeyTable.Row] = []
    var roleRefs: [UInt32] = []
    /// Distinct roles in the order first seen (numbered so until `build()` sorts them).
    var roles: [RoleAssignment] = []
    private var roleNumbers: [RoleBytes: UInt32] = [:]

    /// The key being read: where its fields and roles start.
    private var pending = KeyTable.Row(idOffset: 0, publicKeyOffset: 0, descOffset: 0, idLength: 0, publicKeyLength: 0,
                                       descLength: 0, rolesStart: 0, roleCount: 0)

    public init() {}

    public var count: Int { rows.count }

    /// Adds a whole key (the `JSONDecoder` fallback, tests).
    public mutating func append(_ key: APIKey) {
        startKey()
        for role in key.roles { appendRole(role) }
        var id = key.id, publicKey = key.publicKey, desc = key.desc
        id.withUTF8 { setID(UnsafeRawBufferPointer($0)) }
        publicKey.withUTF8 { setPublicKey(UnsafeRawBufferPointer($0)) }
        desc.withUTF8 { setDescription(UnsafeRawBufferPointer($0)) }
        finishKey()
    }

    // MARK: - One key at a time (the parser)

    mutating func startKey() {
        pending = KeyTable.Row(idOffset: textCount, publicKeyOffset: textCount, descOffset: textCount, idLength: 0,
                               publicKeyLength: 0, descLength: 0, rolesStart: UInt32(clamping: roleRefs.count), roleCount: 0)
    }

    mutating func setID(_ bytes: UnsafeRawBufferPointer) {
        (pending.idOffset, pending.idLength) = store(bytes)
    }

    mutating func setPublicKey(_ bytes: UnsafeRawBufferPointer) {
        (pending.publicKeyOffset, pending.publicKeyLength) = store(bytes)
    }

    mutating func setDescription(_ bytes: UnsafeRawBufferPointer) {
        (pending.descOffset, pending.descLength) = store(bytes)
    }

    /// A role of the pending key: `group` is its `groupId` (nil for an organization role). Both must be UTF-8.
    mutating func appendRole(name: UnsafeRawBufferPointer, group: UnsafeRawBufferPointer?) {
        let lookup = RoleBytes(name: name, group: group)
        if let number = roleNumbers[lookup] {
            roleRefs.append(number)
        } else {
            let role = RoleAssignment(scope: group.map { .project(String(decoding: $0, as: UTF8.self)) } ?? .organization,
                                      roleName: String(decoding: name, as: UTF8.self))
            appendNew(role, bytes: lookup.owned())
        }
        pending.roleCount += 1
    }

    mutating func appendRole(_ role: RoleAssignment) {
        var name = role.roleName
        name.withUTF8 { name in
            if case .project(var group) = role.scope {
                group.withUTF8 { appendRole(name: UnsafeRawBufferPointer(name), group: UnsafeRawBufferPointer($0)) }
            } else {
                appendRole(name: UnsafeRawBufferPointer(name), group: nil)
            }
        }
    }

    mutating func finishKey() {
        rows.append(pending)
    }

    /// The id of the key at `row`, in the order read.
    func id(at row: Int) -> String {
        let (offset, length) = (rows[row].idOffset, Int(rows[row].idLength))
        func read(_ block: [UInt8], from start: Int) -> String {
            block.withUnsafeBytes { String(decoding: KeyTable.slice($0, offset - start, UInt32(length)), as: UTF8.self) }
        }
        if offset >= currentStart { return read(current, from: currentStart) }
        var start = currentStart
        for block in blocks.reversed() {
            start -= block.count
            if offset >= start { return read(block, from: start) }
        }
        return ""
    }

    /// Where the builder stood, to go back to if a page turns out unreadable half-way.
    struct Mark {
        let text: Int
        let rows: Int
        let roleRefs: Int

    }

    var mark: Mark { Mark(text: textCount, rows: rows.count, roleRefs: roleRefs.count) }

    mutating func rollBack(to mark: Mark) {
        while mark.text < currentStart, let previous = blocks.popLast() {
            current = previous
            currentStart -= previous.count
        }
        current.removeLast(max(0, textCount - mark.text))
        rows.removeLast(rows.count - mark.rows)
        roleRefs.removeLast(roleRefs.count - mark.roleRefs)
    }

    /// The keys in the order read, as `APIKey`s (for a page read on its own).
    var keysInOrder: [APIKey] {
        let text = self.text
        return rows.map { KeyTable.key($0, text: text, roleRefs: roleRefs, roles: roles) }
    }

    public func build() -> KeyTable {
        KeyTable(building: self)
    }

    // MARK: - Storage

    private mutating func store(_ bytes: UnsafeRawBufferPointer) -> (Int, UInt32) {
        if current.count + bytes.count > current.capacity {
            if !current.isEmpty {
                currentStart += current.count
                blocks.append(current)
            }
            current = []
            current.reserveCapacity(max(Self.blockSize, bytes.count))
        }
        let offset = textCount
        current.append(contentsOf: bytes)
        return (offset, UInt32(clamping: bytes.count))
    }

    private mutating func appendNew(_ role: RoleAssignment, bytes: RoleBytes) {
        let number = UInt32(clamping: roles.count)
        roles.append(role)
        roleNumbers[bytes] = number
        roleRefs.append(number)
    }
}

/// A role as the bytes of its name and project id, to find it among the distinct roles without making strings.
/// Looked up with the bytes in place (`borrowed`), stored with a copy (`owned`).
private enum RoleBytes: Hashable {
    case borrowed(name: UnsafeRawBufferPointer, group: UnsafeRawBufferPointer?)
    case owned(name: [UInt8], group: [UInt8]?)

    init(name: UnsafeRawBufferPointer, group: UnsafeRawBufferPointer?) {
        self = .borrowed(name: name, group: group)
    }

    func owned() -> RoleBytes {
        switch self {
        case .borrowed(let name, let group): .owned(name: Array(name), group: group.map { Array($0) })
        case .owned: self
        }
    }

    private func withBytes<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer?) -> R) -> R {
        switch self {
        case .borrowed(let name, let group):
            return body(name, group)
        case .owned(let name, let group):
            return name.withUnsafeBytes { name in
                guard let group else { return body(name, nil) }
                return group.withUnsafeBytes { body(name, $0) }
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        withBytes { name, group in
            hasher.combine(bytes: name)
            hasher.combine(group == nil)
            if let group { hasher.combine(bytes: group) }
        }
    }

    static func == (lhs: RoleBytes, rhs: RoleBytes) -> Bool {
        lhs.withBytes { leftName, leftGroup in
            rhs.withBytes { rightName, rightGroup in
                guard KeyTable.compare(leftName, rightName) == 0, (leftGroup == nil) == (rightGroup == nil) else { return false }
                guard let leftGroup, let rightGroup else { return true }
                return KeyTable.compare(leftGroup, rightGroup) == 0
            }
        }
    }
}

extension KeyTableBuilder: ListingBuilder {
    static func count(of listing: KeyTable) -> Int { listing.count }

    static func ids(of listing: KeyTable) -> Set<String> { Set(listing.ids) }

    static func repeatedID(in listing: KeyTable) -> String? {
        listing.indices.first(where: listing.repeatsPreviousID).map { listing.ids[$0] }
    }
}
