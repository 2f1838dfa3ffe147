import CZlib
import NIOCore

/// gzip for `/metrics` without compressing the big cached inventory on every scrape.
///
/// The inventory is deflated once per cycle (`DeflatedExposition`): a raw deflate stream that ends with a sync flush,
/// byte-aligned, not final. The small fresh tail (the `process_*` block, deflated once per /proc reading by
/// `ScrapeTailCache`) is a new raw stream ending the data, and a scrape wraps the two in one gzip header and trailer
/// (the CRC-32s are combined). The result is a single, ordinary gzip member, which every client decodes (libcurl, for
/// one, reads only the first of several concatenated members).
public enum GzipStream {
    /// The complete gzip body: header, the inventory's pieces, the deflated tail, and the trailer.
    public static func member(prefix: DeflatedExposition, tail: ByteBuffer) -> [ByteBuffer] {
        let (deflatedTail, tailCRC) = tail.withUnsafeReadableBytes { (deflateFinal($0), crc32($0)) }
        return member(prefix: prefix, deflatedTail: deflatedTail, tailCRC: tailCRC, tailLength: tail.readableBytes)
    }

    /// The same with a tail deflated (and its CRC-32 taken) beforehand.
    static func member(prefix: DeflatedExposition, deflatedTail: ByteBuffer, tailCRC: UInt, tailLength: Int) -> [ByteBuffer] {
        var header = ByteBuffer()
        header.writeBytes([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])  // gzip, deflate, no flags, no mtime, Unix
        let crc = crc32_combine(prefix.crc, tailCRC, off_t(tailLength))
        var trailer = ByteBuffer()
        trailer.writeInteger(UInt32(truncatingIfNeeded: crc), endianness: .little)
        trailer.writeInteger(UInt32(truncatingIfNeeded: prefix.length + tailLength), endianness: .little)
        return [header] + prefix.pieces + [deflatedTail, trailer]
    }

    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt {
        CZlib.crc32(0, bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
    }

    /// Raw deflate of a small `input` ending with the final block.
    static func deflateFinal(_ input: UnsafeRawBufferPointer) -> ByteBuffer {
        var stream = z_stream()
        guard czlib_deflate_init_raw(&stream, 1) == Z_OK else { return ByteBuffer() }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 16
        var output = ByteBufferAllocator().buffer(capacity: bound)
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { destination in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = destination.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(destination.count)
            // The output buffer holds deflateBound bytes: one call suffices.
            _ = CZlib.deflate(&stream, Z_FINISH)
            return destination.count - Int(stream.avail_out)
        }
        return output
    }
}
