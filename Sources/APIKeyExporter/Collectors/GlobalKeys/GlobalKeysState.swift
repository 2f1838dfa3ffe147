#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the `global_keys` collector knows of a target: the last complete read of the global keys and their access
/// list (kept, marked stale, when a later read fails), and the changes counted since the first read.
struct GlobalKeysState: Sendable {
    /// By key id; descriptions with known secrets redacted.
    var keys: [String: GlobalAPIKey] = [:]
    var accessList: [GlobalAccessListEntry] = []
    /// Changes by kind since the first successful read (the baseline); nil before it.
    var changeCounts: [ChangeKind: Int]?
    /// Unix time of that first read (OpenMetrics `_created`).
    var countedSince: Double?
    var lastReadSucceeded = false

    /// Records a complete read; returns the changes against the previous one (none for the baseline), each with the
    /// key before and after.
    mutating func record(keys listed: [GlobalAPIKey], accessList: [GlobalAccessListEntry], at time: Double)
        -> [(kind: ChangeKind, before: GlobalAPIKey?, after: GlobalAPIKey?)] {
        let redactor = SecretRedactor.shared
        var current: [String: GlobalAPIKey] = [:]
        for var key in listed {
            key.desc = redactor.redactKnownSecrets(key.desc)
            current[key.id] = key
        }
        var changes: [(kind: ChangeKind, before: GlobalAPIKey?, after: GlobalAPIKey?)] = []
        if var counts = changeCounts {
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
            for change in changes { counts[change.kind, default: 0] += 1 }
            changeCounts = counts
        } else {
            changeCounts = Dictionary(uniqueKeysWithValues: ChangeKind.allCases.map { ($0, 0) })
            countedSince = time
        }
        keys = current
        self.accessList = accessList.map { entry in
            var entry = entry
            entry.description = redactor.redactKnownSecrets(entry.description)
            return entry
        }
        lastReadSucceeded = true
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
