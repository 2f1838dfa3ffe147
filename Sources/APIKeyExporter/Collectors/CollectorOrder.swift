/// What an org collector leaves in an org's status for the other collectors of the same cycle: collectors depend
/// on each other only through these, never through each other's types.
public enum SeamProduct: String, Sendable, CaseIterable {
    /// The org's API keys of this cycle (`OrgStatus.lastGood`, `lastPollSucceeded`).
    case keyInventory = "key_inventory"
    /// The org's projects and their names (`OrgStatus.projectNames`).
    case projectNames = "project_names"
    /// The kinds of credential the org's collectors inventory (`OrgStatus.inventoried`).
    case credentialKinds = "credential_kinds"
    /// Model API keys found new and gone per project since the first good listing (`OrgStatus.aiModelKeyTally`).
    case aiModelKeyTally = "ai_model_key_tally"
}

/// The running order of the org collectors, from what each declares it produces, needs and reads: every producer
/// of a product runs before the collectors that need or read it; collectors with nothing between them run in the
/// order of their names. Nothing depends on the order of a list.
enum CollectorOrder {
    struct Node: Equatable {
        var name: String
        var produces: Set<SeamProduct>
        /// Needs and reads together: both must come after the producers.
        var uses: Set<SeamProduct>
    }

    /// The nodes in running order, or nil when their declarations form a cycle.
    static func sorted(_ nodes: [Node]) -> [Node]? {
        var remaining = nodes.sorted { $0.name < $1.name }
        var ordered: [Node] = []
        // Each pass places at least one node, so this ends after at most `nodes.count` passes.
        while !remaining.isEmpty {
            guard let index = remaining.firstIndex(where: { node in
                !remaining.contains { other in other.name != node.name && !other.produces.isDisjoint(with: node.uses) }
            }) else { return nil }
            ordered.append(remaining.remove(at: index))
        }
        return ordered
    }

    static func node(_ collector: any OrgCollector.Type) -> Node {
        Node(name: collector.name, produces: collector.produces, uses: collector.needs.union(collector.reads))
    }

    /// `collectors` in running order; in the given order if their declarations form a cycle (a test fails on it).
    static func ordered(_ collectors: [any OrgCollector.Type]) -> [any OrgCollector.Type] {
        guard let order = sorted(collectors.map(node)) else { return collectors }
        return order.compactMap { node in collectors.first { $0.name == node.name } }
    }
}
