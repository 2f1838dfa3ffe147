#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The kinds of change `mongodb_global_api_key_changes_total` counts.
enum GlobalKeyChange: String, ChangeKindSet {
    case added, removed, rolesChanged = "roles_changed", descriptionChanged = "description_changed"
}

/// What the `global_keys` collector knows of a target: the last complete read of the global keys and their access
/// list (kept, marked stale, when a later read fails), and the changes counted since the first read.
struct GlobalKeysState: Sendable {
    /// By key id; descriptions with known secrets redacted.
    var keys: [String: GlobalAPIKey] = [:]
    var accessList: [GlobalAccessListEntry] = []
    /// Counted from the first successful read, which is the baseline.
    var changes = ChangeCounter<GlobalKeyChange>()

    /// Records a complete read; returns the changes against the previous one (none for the baseline), each with the
    /// key before and after.
    mutating func record(keys listed: [GlobalAPIKey], accessList: [GlobalAccessListEntry], at time: Double)
        -> [(kind: GlobalKeyChange, before: GlobalAPIKey?, after: GlobalAPIKey?)] {
        var current: [String: GlobalAPIKey] = [:]
        for key in listed { current[key.id] = key }
        var changes: [(kind: GlobalKeyChange, before: GlobalAPIKey?, after: GlobalAPIKey?)] = []
        if self.changes.hasBaseline {
            for id in Set(keys.keys).union(current.keys).sorted() {
                switch (keys[id], current[id]) {
                case (nil, let after?):
                    changes.append((.added, nil, after))
                case (let before?, nil):
                    changes.append((.removed, before, nil))
                case (let before?, let after?):
                    if Set(before.roles) != Set(after.roles) { changes.append((.rolesChanged, before, after)) }
                    if before.desc != after.desc { changes.append((.descriptionChanged, before, after)) }
                case (nil, nil):
                    break
                }
            }
        }
        self.changes.record(changes.map(\.kind), at: time)
        keys = current
        self.accessList = accessList
        return changes
    }
}

extension TargetState {
    /// Nil unless the `global_keys` collector is on and has read the target at least once.
    var globalKeys: GlobalKeysState? {
        get { collected[GlobalKeysState.self] }
        set { collected[GlobalKeysState.self] = newValue }
    }
}
