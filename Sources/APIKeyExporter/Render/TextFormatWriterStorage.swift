/// The bytes of a `TextFormatWriter`'s chunk, freed with the last writer that holds them.
final class ChunkStorage {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }
}

/// What a label value can be written from: a string, or bytes read in place (the per-key families read the keys'
/// text where a compact listing holds it). The bytes must be UTF-8; they are escaped like a string's.
public protocol LabelValue {
    func withLabelBytes(_ body: (UnsafeRawBufferPointer) -> Void)
}

extension String: LabelValue {
    public func withLabelBytes(_ body: (UnsafeRawBufferPointer) -> Void) {
        let done: Void? = utf8.withContiguousStorageIfAvailable { body(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(utf8).withUnsafeBytes(body) }
    }
}

extension UnsafeRawBufferPointer: LabelValue {
    public func withLabelBytes(_ body: (UnsafeRawBufferPointer) -> Void) {
        body(self)
    }
}
