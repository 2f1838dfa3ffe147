import APIKeyExporter
import NIOCore
import Synchronization
import Testing

@Suite("Exposition cache: one inventory in memory")
struct ExpositionCacheTests {
    /// Stands for a cycle's inventory, captured by the OpenMetrics render as the real one is.
    final class Inventory: Sendable {}

    @Test("a cycle start lets go of the last inventory; OpenMetrics is rendered first once a scraper has asked for it")
    func settleReleasesTheInventory() {
        let cache = ExpositionCache()
        let renders = Atomic(0)
        weak var first: Inventory?
        do {
            let inventory = Inventory()
            first = inventory
            cache.publish(text: ByteBuffer(string: "text 1\n"), openMetrics: { [inventory] in
                _ = inventory
                renders.add(1, ordering: .relaxed)
                return ByteBuffer(string: "om 1\n")
            }, ready: true)
        }
        #expect(first != nil, "held until the next cycle starts, for a first OpenMetrics scrape")
        cache.settle()
        #expect(first == nil, "the inventory outlived the start of the next cycle")
        #expect(renders.load(ordering: .relaxed) == 0, "nobody asked for OpenMetrics: it is never rendered")

        // Asked for too late: text 0.0.4 (the scraper's Accept header allows it), and OpenMetrics is wanted from now.
        let (lateFormat, lateBody) = cache.body(.openMetrics, of: cache.current)
        #expect(lateFormat == .text)
        #expect(String(buffer: lateBody) == "text 1\n")

        weak var second: Inventory?
        do {
            let inventory = Inventory()
            second = inventory
            cache.publish(text: ByteBuffer(string: "text 2\n"), openMetrics: { [inventory] in
                _ = inventory
                renders.add(1, ordering: .relaxed)
                return ByteBuffer(string: "om 2\n")
            }, ready: true)
        }
        cache.settle()
        #expect(second == nil)
        #expect(renders.load(ordering: .relaxed) == 1, "rendered before the inventory went")
        let (format, body) = cache.body(.openMetrics, of: cache.current)
        #expect(format == .openMetrics)
        #expect(String(buffer: body) == "om 2\n")
        #expect(cache.body(.text, of: cache.current).1 == ByteBuffer(string: "text 2\n"))
        #expect(renders.load(ordering: .relaxed) == 1, "rendered once per cycle")
    }
}
