/// One metric family to render: its metadata and a closure that writes its samples in label order. The closure is
/// given the family's name, so that a name is written once, where the family is declared; `labels` are the label
/// names every sample carries, in order (docs/metrics.md is generated from these declarations, and a test holds
/// the samples to them).
struct MetricFamily {
    let name: String
    let type: TextFormatWriter.MetricType
    let labels: [String]
    let help: String
    let body: (inout TextFormatWriter, _ name: String) -> Void
}

/// The targets of one render, sorted, with helpers to walk them in label order.
struct RenderScope {
    let targets: [TargetState]

    /// Calls `body` for every org of every target, sorted by target name then org id.
    func eachOrg(_ body: (String, OrgStatus) -> Void) {
        for target in targets {
            for org in target.sortedOrgs { body(target.name, org) }
        }
    }

    /// Calls `body` for every collector that has run, per target sorted by collector name then org id (`""` for a
    /// target collector).
    func eachCollectorHealth(_ body: (_ target: String, _ collector: String, _ orgID: String, CollectorHealth) -> Void) {
        for target in targets {
            var rows = target.collectorHealth.map { (collector: $0.key, orgID: "", health: $0.value) }
            for org in target.orgs.values {
                rows += org.collectorHealth.map { (collector: $0.key, orgID: org.orgID, health: $0.value) }
            }
            rows.sort { ($0.collector, $0.orgID) < ($1.collector, $1.orgID) }
            for row in rows { body(target.name, row.collector, row.orgID, row.health) }
        }
    }
}

extension Dictionary where Key: Comparable {
    /// Entries sorted by key, for deterministic output.
    var sortedByKey: [(key: Key, value: Value)] {
        sorted { $0.key < $1.key }
    }
}
