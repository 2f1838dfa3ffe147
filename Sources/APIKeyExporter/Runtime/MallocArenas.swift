import CMalloc
import Foundation

/// Caps glibc's malloc arenas for the whole process.
///
/// glibc gives threads that allocate at the same time arenas of their own, up to eight per core, and memory freed in
/// one arena serves only that arena. A poll cycle allocates on several Dispatch workers and NIO's threads, so over
/// many cycles each arena kept its own fragments and the peak crept up (figures: docs/PERFORMANCE.md). Two keeps a
/// second arena for the server's threads when a poll holds the first.
public enum MallocArenas {
    /// The arena count unless the operator chose one with glibc's own `MALLOC_ARENA_MAX` or
    /// `GLIBC_TUNABLES=glibc.malloc.arena_max=…`.
    public static let defaultLimit: Int32 = 2

    /// Call once at start, before threads allocate.
    public static func limit() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["MALLOC_ARENA_MAX"] == nil,
              environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.arena_max") != true else { return }
        _ = cmalloc_set_arena_max(defaultLimit)
    }
}
