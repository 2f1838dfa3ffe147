import CLibYAML

/// A YAML document as the config files need it: mappings, sequences and scalars (as their text), each with the line
/// it starts on, loaded by libyaml (Debian's libyaml-0-2). It takes the place of Yams, which links Foundation's ICU
/// part (see docs/ARCHITECTURE.md, "Image"); the names are Yams' so that the readers stay as they were.
struct Node {
    enum Kind {
        case scalar(Scalar)
        case sequence([Node])
        case mapping(Mapping)
    }

    struct Scalar {
        let string: String
    }

    /// Where a node starts; `line` is 1-based.
    struct Mark {
        let line: Int
    }

    /// A mapping's pairs in the file's order; a key given twice is found at its first place.
    struct Mapping: Sequence {
        let pairs: [(key: Node, value: Node)]

        subscript(key: String) -> Node? {
            pairs.first { $0.key.string == key }?.value
        }

        func makeIterator() -> IndexingIterator<[(key: Node, value: Node)]> {
            pairs.makeIterator()
        }
    }

    let kind: Kind
    let mark: Mark?

    var scalar: Scalar? {
        if case .scalar(let scalar) = kind { scalar } else { nil }
    }

    var string: String? { scalar?.string }

    var sequence: [Node]? {
        if case .sequence(let nodes) = kind { nodes } else { nil }
    }

    var mapping: Mapping? {
        if case .mapping(let mapping) = kind { mapping } else { nil }
    }
}

/// Why a text is not one YAML document: libyaml's words and the line they point at (1-based), when it gives one.
struct YAMLError: Error, CustomStringConvertible {
    let line: Int?
    let problem: String

    var description: String { line.map { "line \($0): \(problem)" } ?? problem }
}

enum YAML {
    /// Bounds on what aliases can make of a small file: nodes after expansion, and nesting.
    static let maxNodes = 100_000
    static let maxDepth = 64

    /// The single document of `text`; nil for a text with none (empty, or comments only).
    static func compose(_ text: String) throws(YAMLError) -> Node? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(line: nil, problem: "out of memory") }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> Node? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var document = yaml_document_t()
            try load(&parser, into: &document)
            defer { yaml_document_delete(&document) }
            guard let root = yaml_document_get_root_node(&document) else { return nil }
            var next = yaml_document_t()
            try load(&parser, into: &next)
            defer { yaml_document_delete(&next) }
            if let second = yaml_document_get_root_node(&next) {
                throw YAMLError(line: Int(second.pointee.start_mark.line) + 1, problem: "expected a single document")
            }
            return try withUnsafeMutablePointer(to: &document) { (pointer) throws(YAMLError) -> Node in
                var builder = Builder(document: pointer)
                return try builder.node(root, depth: 0)
            }
        }
    }

    private static func load(_ parser: inout yaml_parser_t, into document: inout yaml_document_t) throws(YAMLError) {
        guard yaml_parser_load(&parser, &document) == 1 else {
            let problem = parser.problem.map { String(cString: $0) } ?? "unreadable"
            let line = parser.problem != nil ? Int(parser.problem_mark.line) + 1 : nil
            throw YAMLError(line: line, problem: problem)
        }
    }

    /// Turns libyaml's node graph (aliases are indices to the same node) into a tree.
    private struct Builder {
        let document: UnsafeMutablePointer<yaml_document_t>
        var count = 0

        mutating func node(_ node: UnsafeMutablePointer<yaml_node_t>, depth: Int) throws(YAMLError) -> Node {
            let mark = Node.Mark(line: Int(node.pointee.start_mark.line) + 1)
            count += 1
            guard count <= YAML.maxNodes, depth <= YAML.maxDepth else {
                throw YAMLError(line: mark.line, problem: "more than \(YAML.maxNodes) nodes or \(YAML.maxDepth) levels")
            }
            switch node.pointee.type {
            case YAML_SCALAR_NODE:
                let scalar = node.pointee.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                return Node(kind: .scalar(Node.Scalar(string: text)), mark: mark)
            case YAML_SEQUENCE_NODE:
                let items = node.pointee.data.sequence.items
                var nodes: [Node] = []
                var item = items.start
                while let current = item, current != items.top {
                    nodes.append(try self.node(try child(current.pointee, at: mark), depth: depth + 1))
                    item = current + 1
                }
                return Node(kind: .sequence(nodes), mark: mark)
            case YAML_MAPPING_NODE:
                let pairs = node.pointee.data.mapping.pairs
                var result: [(key: Node, value: Node)] = []
                var pair = pairs.start
                while let current = pair, current != pairs.top {
                    let key = try self.node(try child(current.pointee.key, at: mark), depth: depth + 1)
                    let value = try self.node(try child(current.pointee.value, at: mark), depth: depth + 1)
                    result.append((key, value))
                    pair = current + 1
                }
                return Node(kind: .mapping(Node.Mapping(pairs: result)), mark: mark)
            default:
                throw YAMLError(line: mark.line, problem: "an empty node")
            }
        }

        private func child(_ index: Int32, at mark: Node.Mark) throws(YAMLError) -> UnsafeMutablePointer<yaml_node_t> {
            guard let node = yaml_document_get_node(document, index) else {
                throw YAMLError(line: mark.line, problem: "a node libyaml did not load")
            }
            return node
        }
    }
}
