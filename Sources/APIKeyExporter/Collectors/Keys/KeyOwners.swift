/// The owner labels of an org's keys (see `OwnerLabels`), taken from their descriptions at each successful listing:
/// values in the key table's order, `names.count` per key. Nil on the org while no owner label is configured.
struct KeyOwners: Sendable {
    var names: [String]
    /// Row-major: the values of key `i` are `values[i * names.count ..< (i + 1) * names.count]`.
    var values: [String]

    init(_ labels: OwnerLabels, keys: KeyTable) {
        names = labels.names
        var values: [String] = []
        values.reserveCapacity(keys.count * names.count)
        keys.forEach { key in
            values += labels.values(searching: [String(decoding: key.desc, as: UTF8.self)])
        }
        self.values = values
    }

    /// The labels of the key at `index` in the table, as `(name, value)` pairs.
    func labels(at index: Int) -> [(String, String)] {
        let start = index * names.count
        guard start + names.count <= values.count else { return names.map { ($0, "") } }
        return Array(zip(names, values[start..<start + names.count]))
    }
}

extension OrgStatus {
    var keyOwners: KeyOwners? {
        get { collected[KeyOwners.self] }
        set { collected[KeyOwners.self] = newValue }
    }
}
