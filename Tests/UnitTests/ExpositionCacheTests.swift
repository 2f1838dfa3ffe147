import APIKeyExporter
import NIOCore
import Synchronization
import TestSupport
import Testing

@Suite("Exposition cache: one inventory in memory")
struct ExpositionCacheTests {
    /// Stands for a cycle's inventory, captured by the OpenMetrics render as the real one is.
    final class Inventory: Sendable {}

    /// Counts OpenMetrics renders across cycles.
    final class Renders: Sendable {
        let count = Atomic(0)
        var value: Int { count.load(ordering: .relaxed) }
    }

    /// Publishes cycle `n` ("text n" / "om n") with an OpenMetrics render holding a fresh inventory, and returns
    /// that inventory, which only the cache then holds.
    static func publishCycle(_ n: Int, to cache: ExpositionCache, renders: Renders) -> Inventory {
        let inventory = Inventory()
        cache.publish(text: DeflatedExposition(Array("text \(n)\n".utf8)), openMetrics: { [inventory] in
            _ = inventory
            renders.count.add(1, ordering: .relaxed)
            return DeflatedExposition(Array("om \(n)\n".utf8))
        }, ready: true)
        return inventory
    }

    @Test("a cycle start lets go of the last inventory; OpenMetrics is rendered first once a scraper has asked for it")
    func settleReleasesTheInventory() {
        let cache = ExpositionCache()
        let renders = Renders()
        weak let first = Self.publishCycle(1, to: cache, renders: renders)
        #expect(first != nil, "held until the next cycle starts, for a first OpenMetrics scrape")
        cache.settle()
        #expect(first == nil, "the inventory outlived the start of the next cycle")
        #expect(renders.value == 0, "nobody asked for OpenMetrics: it is never rendered")

        // Asked for too late: text 0.0.4 (the scraper's Accept header allows it), and OpenMetrics is wanted from now.
        let (lateFormat, lateBody) = cache.body(.openMetrics, of: cache.current)
        #expect(lateFormat == .text)
        #expect(String(buffer: lateBody.plainText()) == "text 1\n")

        weak let second = Self.publishCycle(2, to: cache, renders: renders)
        cache.settle()
        #expect(second == nil)
        #expect(renders.value == 1, "rendered before the inventory went")
        let (format, body) = cache.body(.openMetrics, of: cache.current)
        #expect(format == .openMetrics)
        #expect(String(buffer: body.plainText()) == "om 2\n")
        #expect(cache.body(.text, of: cache.current).1.plainText() == ByteBuffer(string: "text 2\n"))
        #expect(renders.value == 1, "rendered once per cycle")
    }
}
