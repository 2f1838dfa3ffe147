@testable import APIKeyExporter
@testable import apikey_benchmark
import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite("BlockingIO: the bridge between async code and blocking work")
struct BlockingIOTests {
    /// Shared state for jobs on other threads (a local `Mutex` cannot be captured by an escaping closure).
    final class Shared<Value: Sendable>: Sendable {
        private let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
        func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
    }

    /// Jobs that block until all of them have started: more than the Swift concurrency pool has threads (one per
    /// core), so they only all start if none of them runs on the pool.
    static let jobs = max(8, ProcessInfo.processInfo.activeProcessorCount * 4)

    @Test("blocked jobs never take the concurrency pool's threads")
    func offThePool() async throws {
        let arrived = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let started = Shared(0)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<Self.jobs {
                group.addTask {
                    await BlockingIO.run(label: "test.bridge.\(index)") {
                        started.withLock { $0 += 1 }
                        arrived.signal()
                        // Bounded: a job that is never released gives up after 150 s and reports it.
                        return release.wait(timeout: .now() + 150) == .success
                    }
                }
            }
            // The pool still serves this task (and any other) while every job blocks. The deadline is a bound, not
            // a timing: in a full test run other suites keep the pool busy, so the jobs may be submitted late.
            let allArrived = await BlockingIO.run(label: "test.bridge.wait") {
                let deadline = DispatchTime.now() + 90
                return (0..<Self.jobs).allSatisfy { _ in arrived.wait(timeout: deadline) == .success }
            }
            #expect(allArrived)
            #expect(started.withLock { $0 } == Self.jobs, "every job started while the others were blocked")
            let pingAnswered = await Task { 42 }.value
            #expect(pingAnswered == 42)
            for _ in 0..<Self.jobs { release.signal() }
            for try await released in group {
                #expect(released)
            }
        }
    }

    @Test("jobs on one bridge run one at a time, in submission order")
    func serial() async {
        let io = BlockingIO(label: "test.bridge.serial")
        let state = Shared((running: 0, maxRunning: 0, order: [Int]()))
        @Sendable func job(_ index: Int) {
            state.withLock { $0.running += 1; $0.maxRunning = max($0.maxRunning, $0.running); $0.order.append(index) }
            Thread.sleep(forTimeInterval: 0.002)
            state.withLock { $0.running -= 1 }
        }
        // Awaited jobs from many tasks at once, then queued ones in a known order, then one to wait for them all.
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask { await io.run { job(index) } }
            }
        }
        for index in 20..<40 {
            io.execute { job(index) }
        }
        let order = await io.run { state.withLock { $0.order } }
        #expect(state.withLock { $0.maxRunning } == 1)
        #expect(Set(order.prefix(20)) == Set(0..<20))
        #expect(Array(order.dropFirst(20)) == Array(20..<40))
    }

    @Test("an error comes back with its type")
    func typedError() async {
        let io = BlockingIO(label: "test.bridge.error")
        do throws(APIError) {
            _ = try await io.run { () throws(APIError) -> Int in
                throw .inconsistent(reason: "on purpose", url: "memory:")
            }
            Issue.record("no error")
        } catch {
            #expect(error == .inconsistent(reason: "on purpose", url: "memory:"))
        }
    }

    /// Not thread-safe on purpose: two threads in `touch` at once would be caught.
    final class Unsafe {
        var inside = false
        var overlaps = 0
        var touches = 0

        func touch() {
            if inside { overlaps += 1 }
            inside = true
            Thread.sleep(forTimeInterval: 0.001)
            touches += 1
            inside = false
        }
    }

    @Test("a confined value is used by one job at a time, whoever calls")
    func confined() async {
        let confined = QueueConfined(Unsafe(), label: "test.bridge.confined")
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { await confined.run { $0.touch() } }
            }
        }
        let (touches, overlaps) = await confined.run { ($0.touches, $0.overlaps) }
        #expect(touches == 50)
        #expect(overlaps == 0)
    }
}
