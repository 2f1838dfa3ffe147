import CMalloc

/// Gives the memory a poll cycle freed back to the system.
///
/// A cycle decodes every key of every org on several worker threads, and glibc keeps what those threads free in
/// their arenas until asked (figures: docs/PERFORMANCE.md).
public enum FreedMemory {
    public static func release() {
        _ = cmalloc_trim()
    }
}
