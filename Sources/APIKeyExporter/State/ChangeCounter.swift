/// The kinds of change one collector counts, as its `change` label spells them.
public protocol ChangeKindSet: Hashable, CaseIterable, Sendable, RawRepresentable where RawValue == String {}

/// A collector's change counters, the same for every collector: nothing before the first good read, which is the
/// baseline (every kind exported at 0 from then); each later change counted once. A state restored from
/// `--storage.path` is a baseline at the restore time, so the next read counts what changed while the exporter was
/// down.
public struct ChangeCounter<Kind: ChangeKindSet>: Sendable {
    /// Changes by kind since the baseline; nil before it.
    public private(set) var counts: [Kind: Int]?
    /// Unix time of the baseline (OpenMetrics `_created`).
    public private(set) var countedSince: Double?

    public init() {}

    /// Whether a baseline was set: only then is a read compared with the previous one.
    public var hasBaseline: Bool { counts != nil }

    /// Counts `changes`, or sets the baseline at `time` if there is none (counting nothing).
    public mutating func record(_ changes: some Sequence<Kind>, at time: Double) {
        guard var counts else {
            setBaseline(at: time)
            return
        }
        for kind in changes { counts[kind, default: 0] += 1 }
        self.counts = counts
    }

    /// Starts counting from 0 at `time` (a restored state).
    public mutating func setBaseline(at time: Double) {
        counts = Dictionary(uniqueKeysWithValues: Kind.allCases.map { ($0, 0) })
        countedSince = time
    }

    /// One counter per kind, sorted by its label value, from the baseline on.
    func write(_ writer: inout TextFormatWriter, _ name: String, _ labels: [(String, String)]) {
        guard let counts else { return }
        for kind in Kind.allCases.sorted(by: { $0.rawValue < $1.rawValue }) {
            writer.counter(name, labels + [("change", kind.rawValue)], Double(counts[kind] ?? 0), created: countedSince)
        }
    }
}
