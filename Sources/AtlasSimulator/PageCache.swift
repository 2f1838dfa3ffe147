import Hummingbird
import Synchronization

/// Encoded key pages, kept until the inventory changes.
///
/// A real Admin API is another machine: its CPU is not the exporter's. The simulator, on the same cores, encoded
/// 100,000 keys with `JSONEncoder` again every cycle, and that CPU showed in the benchmark's `/metrics` latency. With this cache a page is encoded once per inventory version; pages under an injected fault are never
/// cached (their bodies differ), and a page encoded from an older inventory is never stored.
final class PageCache: Sendable {
    private struct State {
        var generation = 0
        var pages: [String: ByteBuffer] = [:]
    }

    private let state = Mutex(State())

    /// The page stored under `key` for inventory `generation`, if any.
    func page(_ key: String, generation: Int) -> ByteBuffer? {
        state.withLock { $0.generation == generation ? $0.pages[key] : nil }
    }

    /// Stores a page encoded from inventory `generation`; a newer generation drops every older page.
    func store(_ page: ByteBuffer, key: String, generation: Int) {
        state.withLock { state in
            if generation > state.generation {
                state = State(generation: generation)
            }
            if generation == state.generation {
                state.pages[key] = page
            }
        }
    }
}
