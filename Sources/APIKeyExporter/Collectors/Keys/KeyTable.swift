#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One org's keys as a snapshot holds them between polls: the bytes of every id, public key and description in
/// one array, a fixed-size row per key, and roles as numbers into the org's table of distinct roles.
///
/// An `APIKey` costs about 450 bytes on the heap (three strings, a role array, a string per project id); a row here
/// costs 48 bytes plus the text itself, so 100,000 keys take about 12 MB instead of 45 MB. Rows are sorted by id,
/// which makes the render deterministic and the diff a binary search. Reading a key as an `APIKey` builds one (for
/// tests, logs and the few keys a diff reports); the hot paths (render, aggregate, diff) read the bytes in place.
public struct KeyTable: RandomAccessCollection, Sendable {
    /// Where one key's fields are in `text` (offsets first, so that the row packs into 48 bytes).
    struct Row: Sendable {
        var idOffset: Int
        var publicKeyOffset: Int
        var descOffset: Int
        var idLength: UInt32
        var publicKeyLength: UInt32
        var descLength: UInt32
        /// The key's role numbers are `roleRefs[rolesStart ..< rolesStart + roleCount]`, in the API's order.
        var rolesStart: UInt32
        var roleCount: UInt32
    }

    let text: [UInt8]
    let rows: [Row]
    let roleRefs: [UInt32]
    /// The org's distinct roles, sorted: a smaller role number is a smaller `RoleAssignment`.
    public let roles: [RoleAssignment]
    /// Role → its number, for comparing another table's roles with this one's.
    let roleNumbers: [RoleAssignment: UInt32]

    public init(_ keys: [APIKey]) {
        var builder = KeyTableBuilder()
        for key in keys { builder.append(key) }
        self.init(building: builder)
    }

    /// Sorts the builder's rows by id and numbers its roles in sorted order.
    init(building builder: KeyTableBuilder) {
        let distinct = builder.roles
        // Number the roles in sorted order, so that sorting a key's numbers sorts its roles. Two byte forms of one
        // role (Unicode-equivalent names: "É" and "E" with a combining accent) are equal as `RoleAssignment`s and
        // sort next to each other: they share a number, as a Set of roles would count them once.
        let order = distinct.indices.sorted { distinct[$0] < distinct[$1] }
        var renumber = [UInt32](repeating: 0, count: distinct.count)
        var merged: [RoleAssignment] = []
        for old in order {
            if merged.last != distinct[old] { merged.append(distinct[old]) }
            renumber[old] = UInt32(clamping: merged.count - 1)
        }
        roles = merged
        roleRefs = builder.roleRefs.map { renumber[Int($0)] }
        roleNumbers = Dictionary(uniqueKeysWithValues: roles.enumerated().map { ($1, UInt32($0)) })
        text = builder.text
        // Stable, so keys listed twice keep their order.
        rows = text.withUnsafeBytes { bytes in
            builder.rows.sorted { Self.compare(Self.slice(bytes, $0.idOffset, $0.idLength), Self.slice(bytes, $1.idOffset, $1.idLength)) < 0 }
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rows.count }

    /// The key at `position`, built as an `APIKey`.
    public subscript(position: Int) -> APIKey {
        Self.key(rows[position], text: text, roleRefs: roleRefs, roles: roles)
    }

    static func key(_ row: Row, text: [UInt8], roleRefs: [UInt32], roles: [RoleAssignment]) -> APIKey {
        text.withUnsafeBytes { bytes in
            APIKey(id: string(bytes, row.idOffset, row.idLength),
                   publicKey: string(bytes, row.publicKeyOffset, row.publicKeyLength),
                   desc: string(bytes, row.descOffset, row.descLength),
                   roles: roleRefs[Int(row.rolesStart)..<(Int(row.rolesStart) + Int(row.roleCount))].map { roles[Int($0)] })
        }
    }

    /// Every key's id, in order.
    public var ids: [String] {
        text.withUnsafeBytes { bytes in rows.map { Self.string(bytes, $0.idOffset, $0.idLength) } }
    }

    /// Every key's public key, in order.
    public var publicKeys: [String] {
        text.withUnsafeBytes { bytes in rows.map { Self.string(bytes, $0.publicKeyOffset, $0.publicKeyLength) } }
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

    /// The position of the first key with the id `wanted`, if any (binary search: rows are sorted by id); `bytes` is
    /// this table's text.
    func firstIndex(ofID wanted: UnsafeRawBufferPointer, in bytes: UnsafeRawBufferPointer) -> Int? {
        var low = 0
        var high = rows.count
        while low < high {
            let middle = (low + high) / 2
            if Self.compare(Self.slice(bytes, rows[middle].idOffset, rows[middle].idLength), wanted) < 0 {
                low = middle + 1
            } else {
                high = middle
            }
        }
        guard low < rows.count, Self.compare(Self.slice(bytes, rows[low].idOffset, rows[low].idLength), wanted) == 0 else { return nil }
        return low
    }

    /// Whether the keys at `position` and `position - 1` have the same id (a key listed twice).
    func repeatsPreviousID(_ position: Int) -> Bool {
        guard position > 0 else { return false }
        return text.withUnsafeBytes { bytes in
            Self.compare(bytes, rows[position - 1], rows[position]) == 0
        }
    }

    /// Whether two lists of role numbers hold the same set (order and repeats aside); sorts both in place.
    static func sameDistinct(_ lhs: inout [UInt32], _ rhs: inout [UInt32]) -> Bool {
        lhs.sort()
        rhs.sort()
        var left = 0
        var right = 0
        while left < lhs.count || right < rhs.count {
            guard left < lhs.count, right < rhs.count, lhs[left] == rhs[right] else { return false }
            let value = lhs[left]
            while left < lhs.count, lhs[left] == value { left += 1 }
            while right < rhs.count, rhs[right] == value { right += 1 }
        }
        return true
    }

    // MARK: - Bytes

    func roleNumbers(of row: Row) -> ArraySlice<UInt32> {
        roleRefs[Int(row.rolesStart)..<(Int(row.rolesStart) + Int(row.roleCount))]
    }

    func keyBytes(_ bytes: UnsafeRawBufferPointer, _ row: Row) -> KeyBytes {
        KeyBytes(id: Self.slice(bytes, row.idOffset, row.idLength),
                 publicKey: Self.slice(bytes, row.publicKeyOffset, row.publicKeyLength),
                 desc: Self.slice(bytes, row.descOffset, row.descLength),
                 roleNumbers: roleNumbers(of: row))
    }

    static func slice(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ length: UInt32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(length))])
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ length: UInt32) -> String {
        String(decoding: slice(bytes, start, length), as: UTF8.self)
    }

    /// Byte order of the two rows' ids; for the ASCII of ObjectIds, the order `String` gives them too.
    private static func compare(_ bytes: UnsafeRawBufferPointer, _ lhs: Row, _ rhs: Row) -> Int {
        compare(slice(bytes, lhs.idOffset, lhs.idLength), slice(bytes, rhs.idOffset, rhs.idLength))
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
