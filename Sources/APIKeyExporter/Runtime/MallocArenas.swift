import CMalloc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Caps glibc's malloc arenas for the whole process, and fixes its mmap threshold.
///
/// glibc gives threads that allocate at the same time arenas of their own, up to eight per core, and memory freed in
/// one arena serves only that arena. A poll cycle allocates on several Dispatch workers and NIO's threads, so over
/// many cycles each arena kept its own fragments and the peak crept up (figures: docs/PERFORMANCE.md). Two keeps a
/// second arena for the server's threads when a poll holds the first.
public enum MallocArenas {
    /// The arena count unless the operator chose one with glibc's own `MALLOC_ARENA_MAX` or
    /// `GLIBC_TUNABLES=glibc.malloc.arena_max=…`.
    public static let defaultLimit: Int32 = 2

    /// Blocks this large or larger are mapped on their own and returned to the system when freed. glibc's default
    /// starts here too but rises to the size of each large block freed (up to 32 MiB), and blocks below it then
    /// stay resident in the arenas after they are freed: a listing's pages and text did, and the peak of a listing
    /// stopped at its bound ended above the bound (docs/RELIABILITY.md).
    public static let mmapThreshold: Int32 = 128 << 10

    /// Call once at start, before threads allocate.
    public static func limit() {
        let environment = ProcessInfo.processInfo.environment
        let tunables = environment["GLIBC_TUNABLES"] ?? ""
        if environment["MALLOC_ARENA_MAX"] == nil, !tunables.contains("glibc.malloc.arena_max") {
            _ = cmalloc_set_arena_max(defaultLimit)
        }
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil, !tunables.contains("glibc.malloc.mmap_threshold") {
            _ = cmalloc_set_mmap_threshold(mmapThreshold)
        }
    }
}
