extension NodeReader {
    /// `owner_labels`: a list of `{label, regex}` mappings (see `OwnerLabels`); an error names the entry's field,
    /// e.g. `exporter.yml:4: owner_labels[1].regex: ... must have exactly one capture group`.
    func ownerLabels(_ node: Node, _ field: String) throws(ConfigError) -> OwnerLabels {
        guard let sequence = node.sequence else { throw error(at: node, field, "must be a list of {label, regex}") }
        var entries: [(label: String, regex: String)] = []
        var nodes: [Node.Mapping] = []
        for (index, item) in sequence.enumerated() {
            let path = "\(field)[\(index)]"
            guard let mapping = item.mapping else { throw error(at: item, path, "must be a mapping with label and regex") }
            try rejectUnknownKeys(mapping, allowed: ["label", "regex"], path: path)
            guard let label = mapping["label"], let regex = mapping["regex"] else {
                throw error(at: item, path, "needs both label and regex")
            }
            entries.append((try string(label, "\(path).label"), try string(regex, "\(path).regex")))
            nodes.append(mapping)
        }
        do {
            return try OwnerLabels(entries)
        } catch {
            let located = nodes[error.index][error.field] ?? node
            throw self.error(at: located, "\(field)[\(error.index)].\(error.field)", error.message)
        }
    }
}
