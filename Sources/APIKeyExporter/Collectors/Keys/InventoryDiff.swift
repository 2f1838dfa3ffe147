/// Compares two listings of one org by key id. Identity, not counts: a key deleted and another created between two
/// polls leave every count the same, but show here as one `removed` and one `added`.
public enum InventoryDiff {
    /// Changes from `before` to `after`, ordered by key id then kind. A key whose roles and description both
    /// changed yields one change of each kind.
    public static func changes(from before: [APIKey], to after: [APIKey]) -> [KeyChange] {
        changes(from: KeyTable(before), to: KeyTable(after))
    }

    public static func changes(from before: KeyTable, to after: [APIKey]) -> [KeyChange] {
        changes(from: before, to: KeyTable(after))
    }

    /// The same between two listings as snapshots hold them: each key of `after` is looked up by id in `before`
    /// (binary search) and compared in place, roles by number (translated once per distinct role); only the keys
    /// that changed are built as `APIKey`s. A key listed twice counts once; a second listing of it is `added`.
    public static func changes(from before: KeyTable, to after: KeyTable) -> [KeyChange] {
        // after's role number → before's, or nil when before has no key with that role.
        let translate = after.roles.map { before.roleNumbers[$0] }
        var matched = [Bool](repeating: false, count: before.count)
        var changes: [KeyChange] = []
        var listed: [UInt32] = []
        var held: [UInt32] = []
        before.text.withUnsafeBytes { beforeBytes in
            after.text.withUnsafeBytes { afterBytes in
                for (position, row) in after.rows.enumerated() {
                    let key = after.keyBytes(afterBytes, row)
                    guard let index = before.firstIndex(ofID: key.id, in: beforeBytes), !matched[index] else {
                        changes.append(KeyChange(kind: .added, before: nil, after: after[position]))
                        continue
                    }
                    matched[index] = true
                    let old = before.keyBytes(beforeBytes, before.rows[index])
                    var rolesChanged = false
                    listed.removeAll(keepingCapacity: true)
                    for number in key.roleNumbers {
                        guard let translated = translate[Int(number)] else {
                            rolesChanged = true
                            break
                        }
                        listed.append(translated)
                    }
                    if !rolesChanged {
                        held.removeAll(keepingCapacity: true)
                        held.append(contentsOf: old.roleNumbers)
                        rolesChanged = !KeyTable.sameDistinct(&listed, &held)
                    }
                    let descriptionChanged = KeyTable.compare(old.desc, key.desc) != 0
                    guard rolesChanged || descriptionChanged else { continue }
                    let oldKey = before[index]
                    let newKey = after[position]
                    if rolesChanged { changes.append(KeyChange(kind: .rolesChanged, before: oldKey, after: newKey)) }
                    if descriptionChanged { changes.append(KeyChange(kind: .descriptionChanged, before: oldKey, after: newKey)) }
                }
            }
        }
        for index in before.indices where !matched[index] && !before.repeatsPreviousID(index) {
            changes.append(KeyChange(kind: .removed, before: before[index], after: nil))
        }
        return changes.sorted { ($0.keyID, $0.kind) < ($1.keyID, $1.kind) }
    }
}
