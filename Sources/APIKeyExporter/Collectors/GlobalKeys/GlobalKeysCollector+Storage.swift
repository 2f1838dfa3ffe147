/// What the global-keys collector keeps across a restart: each global key (id, public key, description, roles),
/// what its changes are counted on. The access list is read again by the first cycle.
extension GlobalKeysCollector: PersistentTargetCollector {
    struct Saved: Codable {
        /// Each key as `[id, public key, description, role...]`.
        var keys: [[String]]
    }

    static func saved(_ target: TargetState) -> Saved? {
        guard let state = target.globalKeys, state.changes.hasBaseline else { return nil }
        return Saved(keys: state.keys.values.sorted { $0.id < $1.id }.map { [$0.id, $0.publicKey, $0.desc] + $0.roles })
    }

    static func restore(_ saved: Saved, into target: inout TargetState, restoredAt: Double) {
        var state = GlobalKeysState()
        for fields in saved.keys where fields.count >= 3 {
            state.keys[fields[0]] = GlobalAPIKey(id: fields[0], publicKey: fields[1], desc: fields[2], roles: Array(fields.dropFirst(3)))
        }
        // Not a baseline: the first read counts what changed since the save.
        state.changes.setBaseline(at: restoredAt)
        target.globalKeys = state
    }
}
