import CMalloc

/// Gives the memory a poll cycle freed back to the system.
///
/// A cycle decodes every key of every org on several worker threads, and glibc keeps what those threads free in
/// their arenas: without this the resident size ratchets up by the size of a whole listing over the first cycles
/// and stays there (measured with `apikey-benchmark`).
public enum FreedMemory {
    public static func release() {
        _ = cmalloc_trim()
    }
}
