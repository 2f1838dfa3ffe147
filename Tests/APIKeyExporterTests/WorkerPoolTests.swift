@testable import APIKeyExporter
import Testing

@Suite("Blocking worker pool")
struct WorkerPoolTests {
    final class Token: Sendable {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    @Test("outputs come back in input order, and nothing of them outlives the caller's copy")
    func releasesOutputs() {
        let pool = BlockingWorkerPool<Int>(width: 2, label: "test") { 0 }
        weak var first: Token?
        weak var last: Token?
        do {
            let outputs = pool.map(Array(0..<50)) { _, input in Token(input) }
            #expect(outputs.map(\.value) == Array(0..<50))
            first = outputs.first
            last = outputs.last
            #expect(first != nil && last != nil)
        }
        // A poll cycle's outputs are whole inventories: one kept by the pool would be kept every cycle.
        #expect(first == nil, "the pool still holds an output")
        #expect(last == nil, "the pool still holds an output")
    }
}
