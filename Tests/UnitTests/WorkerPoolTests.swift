@testable import APIKeyExporter
import Foundation
import Synchronization
import TestSupport
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

    @Test("the CPU gate lets at most its width of bodies run at once, and runs every one")
    func cpuGateBound() {
        let gate = CPUGate(width: 2)
        let running = Atomic(0)
        let most = Atomic(0)
        let ran = Atomic(0)
        let pool = BlockingWorkerPool<Int>(width: 6, label: "gate-test") { 0 }
        _ = pool.map(Array(0..<24)) { _, _ in
            gate.run {
                let now = running.add(1, ordering: .sequentiallyConsistent).newValue
                _ = most.max(now, ordering: .sequentiallyConsistent)
                Thread.sleep(forTimeInterval: 0.005)  // long enough for the other workers to try to enter
                _ = running.subtract(1, ordering: .sequentiallyConsistent)
                _ = ran.add(1, ordering: .sequentiallyConsistent)
            }
        }
        #expect(ran.load(ordering: .sequentiallyConsistent) == 24)
        #expect(most.load(ordering: .sequentiallyConsistent) <= 2)
        #expect(most.load(ordering: .sequentiallyConsistent) >= 1)
    }

    @Test("the process's CPU gate leaves one core to the server, and never has fewer than one slot")
    func cpuGateWidth() {
        #expect(CPUGate.forThisMachine().width == max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
        #expect(CPUGate(width: 0).width == 1)
    }

    @Test("an error thrown inside the gate leaves its slot free")
    func cpuGateReleasesOnThrow() {
        struct Refused: Error {}
        let gate = CPUGate(width: 1)
        #expect(throws: Refused.self) { try gate.run { () throws(Refused) in throw Refused() } }
        // With the slot leaked, the next run would block: wait for it a bounded 10 s on another queue.
        let done = DispatchSemaphore(value: 0)
        DispatchQueue(label: "gate-test.after-throw").async {
            gate.run { _ = done.signal() }
        }
        #expect(done.wait(timeout: .now() + 10) == .success, "the slot was not given back")
    }
}
