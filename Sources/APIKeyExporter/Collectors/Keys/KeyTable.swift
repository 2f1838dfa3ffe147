import Foundation

/// One org's keys as a snapshot holds them between polls: the bytes of every id, public key and description in
/// one array, a fixed-size row per key, and roles as numbers into the org's table of distinct roles.
///
/// An `APIKey` costs about 450 bytes on the heap (three strings, a role array, a string per project id); a row here
/// costs 24 bytes plus the text itself, so 100,000 keys take about 10 MB instead of 45 MB. Rows are sorted by id,
/// which makes the render deterministic and the diff a binary search. Reading a key as an `APIKey` builds one (for
/// tests, logs and the few keys a diff reports); the hot paths (render, aggregate, diff) read the bytes in place.
public struct KeyTable: RandomAccessCollection, Sendable {
    struct Row: Sendable {
        /// Where the key's id starts in `text`; its public key and description follow it.
        var offset: Int
        var idLength: UInt32
        var publicKeyLength: UInt32
        var descLength: UInt32
        /// The key's role numbers are `roleRefs[rolesStart ..< rolesStart + roleCount]`, in the API's order.
        var rolesStart: UInt32
        var roleCount: UInt32
    }

    private let text: [UInt8]
    private let rows: [Row]
    private let roleRefs: [UInt32]
    /// The org's distinct roles, sorted: a smaller role number is a smaller `RoleAssignment`.
    public let roles: [RoleAssignment]
    /// Role → its number, for comparing a listed key's roles with a held one's.
    private let roleNumbers: [RoleAssignment: UInt32]

    public init(_ keys: [APIKey]) {
        var numbers: [RoleAssignment: UInt32] = [:]
        var distinct: [RoleAssignment] = []
        var text: [UInt8] = []
        text.reserveCapacity(keys.reduce(0) { $0 + $1.id.utf8.count + $1.publicKey.utf8.count + $1.desc.utf8.count })
        var rows: [Row] = []
        rows.reserveCapacity(keys.count)
        var refs: [UInt32] = []
        for key in keys {
            let offset = text.count
            text.append(contentsOf: key.id.utf8)
            text.append(contentsOf: key.publicKey.utf8)
            text.append(contentsOf: key.desc.utf8)
            let rolesStart = refs.count
            for role in key.roles {
                if let number = numbers[role] {
                    refs.append(number)
                } else {
                    let number = UInt32(clamping: distinct.count)
                    numbers[role] = number
                    distinct.append(role)
                    refs.append(number)
                }
            }
            rows.append(Row(offset: offset, idLength: UInt32(clamping: key.id.utf8.count), publicKeyLength: UInt32(clamping: key.publicKey.utf8.count),
                            descLength: UInt32(clamping: key.desc.utf8.count), rolesStart: UInt32(clamping: rolesStart),
                            roleCount: UInt32(clamping: key.roles.count)))
        }
        // Number the roles in sorted order, so that sorting a key's numbers sorts its roles.
        let order = distinct.indices.sorted { distinct[$0] < distinct[$1] }
        var renumber = [UInt32](repeating: 0, count: distinct.count)
        for (sortedNumber, old) in order.enumerated() { renumber[old] = UInt32(sortedNumber) }
        self.roles = order.map { distinct[$0] }
        self.roleRefs = refs.map { renumber[Int($0)] }
        self.roleNumbers = Dictionary(uniqueKeysWithValues: roles.enumerated().map { ($1, UInt32($0)) })
        self.text = text
        // Stable, so keys listed twice keep their order.
        self.rows = text.withUnsafeBytes { bytes in
            rows.sorted { Self.compare(bytes, $0, $1) < 0 }
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rows.count }

    /// The key at `position`, built as an `APIKey`.
    public subscript(position: Int) -> APIKey {
        let row = rows[position]
        return text.withUnsafeBytes { bytes in
            APIKey(id: Self.string(bytes, row.offset, row.idLength),
                   publicKey: Self.string(bytes, row.offset + Int(row.idLength), row.publicKeyLength),
                   desc: Self.string(bytes, row.offset + Int(row.idLength) + Int(row.publicKeyLength), row.descLength),
                   roles: roleNumbers(of: row).map { roles[Int($0)] })
        }
    }

    /// Every key's id, in order.
    public var ids: [String] {
        text.withUnsafeBytes { bytes in rows.map { Self.string(bytes, $0.offset, $0.idLength) } }
    }

    /// Every key's public key, in order.
    public var publicKeys: [String] {
        text.withUnsafeBytes { bytes in rows.map { Self.string(bytes, $0.offset + Int($0.idLength), $0.publicKeyLength) } }
    }

    /// One key's bytes, valid only inside `KeyTable.forEach`.
    public struct KeyBytes {
        public let id: UnsafeRawBufferPointer
        public let publicKey: UnsafeRawBufferPointer
        public let desc: UnsafeRawBufferPointer
        /// Role numbers into `KeyTable.roles`, in the API's order (repeats kept).
        public let roleNumbers: ArraySlice<UInt32>
    }

    /// Calls `body` with each key's bytes in place, in id order: no string is made.
    public func forEach(_ body: (KeyBytes) -> Void) {
        text.withUnsafeBytes { bytes in
            for row in rows {
                body(keyBytes(bytes, row))
            }
        }
    }

    /// The position of the first key with `id`, if any (binary search: rows are sorted by id).
    func firstIndex(ofID id: String) -> Int? {
        var id = id
        return id.withUTF8 { wanted in
            text.withUnsafeBytes { bytes in
                var low = 0
                var high = rows.count
                while low < high {
                    let middle = (low + high) / 2
                    if Self.compare(Self.slice(bytes, rows[middle].offset, rows[middle].idLength), UnsafeRawBufferPointer(wanted)) < 0 {
                        low = middle + 1
                    } else {
                        high = middle
                    }
                }
                guard low < rows.count,
                      Self.compare(Self.slice(bytes, rows[low].offset, rows[low].idLength), UnsafeRawBufferPointer(wanted)) == 0
                else { return nil }
                return low
            }
        }
    }

    /// Whether the keys at `position` and `position - 1` have the same id (a key listed twice).
    func repeatsPreviousID(_ position: Int) -> Bool {
        guard position > 0 else { return false }
        return text.withUnsafeBytes { bytes in
            Self.compare(bytes, rows[position - 1], rows[position]) == 0
        }
    }

    /// Whether the key at `position` has exactly the description `desc`.
    func hasDescription(_ desc: String, at position: Int) -> Bool {
        var desc = desc
        let row = rows[position]
        return desc.withUTF8 { wanted in
            text.withUnsafeBytes { bytes in
                Self.compare(keyBytes(bytes, row).desc, UnsafeRawBufferPointer(wanted)) == 0
            }
        }
    }

    /// Whether the key at `position` holds exactly the set of roles `roles` (order and repeats aside).
    func hasRoles(_ roles: [RoleAssignment], at position: Int) -> Bool {
        var listed: [UInt32] = []
        listed.reserveCapacity(roles.count)
        for role in roles {
            guard let number = roleNumbers[role] else { return false }
            listed.append(number)
        }
        return Self.distinctSorted(listed) == Self.distinctSorted(Array(roleNumbers(of: rows[position])))
    }

    static func distinctSorted(_ numbers: [UInt32]) -> [UInt32] {
        var sorted = numbers.sorted()
        var write = 0
        for read in sorted.indices where write == 0 || sorted[read] != sorted[write - 1] {
            sorted[write] = sorted[read]
            write += 1
        }
        sorted.removeLast(sorted.count - write)
        return sorted
    }

    // MARK: - Bytes

    private func roleNumbers(of row: Row) -> ArraySlice<UInt32> {
        roleRefs[Int(row.rolesStart)..<(Int(row.rolesStart) + Int(row.roleCount))]
    }

    private func keyBytes(_ bytes: UnsafeRawBufferPointer, _ row: Row) -> KeyBytes {
        let publicKeyStart = row.offset + Int(row.idLength)
        let descStart = publicKeyStart + Int(row.publicKeyLength)
        return KeyBytes(id: Self.slice(bytes, row.offset, row.idLength),
                        publicKey: Self.slice(bytes, publicKeyStart, row.publicKeyLength),
                        desc: Self.slice(bytes, descStart, row.descLength),
                        roleNumbers: roleNumbers(of: row))
    }

    private static func slice(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ length: UInt32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(length))])
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ length: UInt32) -> String {
        String(decoding: slice(bytes, start, length), as: UTF8.self)
    }

    /// Byte order of the two rows' ids; for the ASCII of ObjectIds, the order `String` gives them too.
    private static func compare(_ bytes: UnsafeRawBufferPointer, _ lhs: Row, _ rhs: Row) -> Int {
        compare(slice(bytes, lhs.offset, lhs.idLength), slice(bytes, rhs.offset, rhs.idLength))
    }

    static func compare(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Int {
        let common = Swift.min(lhs.count, rhs.count)
        if common > 0, let left = lhs.baseAddress, let right = rhs.baseAddress {
            let order = memcmp(left, right, common)
            if order != 0 { return Int(order) }
        }
        return lhs.count - rhs.count
    }
}
