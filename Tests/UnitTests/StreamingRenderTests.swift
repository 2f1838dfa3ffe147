@testable import APIKeyExporter
import AtlasSimulator
import NIOCore
import TestSupport
import Testing

@Suite("Streaming render: deflated as written, never held whole")
struct StreamingRenderTests {
    /// Targets with `keyCount` keys over a few orgs; descriptions random, some hostile, some very long (longer
    /// than a writer chunk).
    static func targets(keyCount: Int, seed: UInt64) -> [TargetState] {
        var random = SeededGenerator(seed: seed)
        var states: [TargetState] = []
        for targetIndex in 0..<2 {
            var state = TargetState(name: "target-\(targetIndex)")
            for orgIndex in 0..<3 {
                let orgID = String(format: "5980cfc70b6d97029d82e%03x", targetIndex * 16 + orgIndex)
                var keys: [APIKey] = []
                for keyIndex in 0..<(keyCount / 6) {
                    let long = Int.random(in: 0..<500, using: &random) == 0
                    let desc = long ? String(repeating: "long \"quoted\" \\ text\n", count: 5_000) : RandomText.make(&random)
                    let roles = (0..<Int.random(in: 0...4, using: &random)).map { role in
                        role == 0 ? RoleAssignment(scope: .organization, roleName: "ORG_MEMBER")
                            : RoleAssignment(scope: .project(String(format: "5898b95f87d9d6270e899%03x", role)), roleName: "GROUP_READ_ONLY")
                    }
                    keys.append(APIKey(id: String(format: "5c47503320eef5699e%06x", orgIndex * 100_000 + keyIndex),
                                       publicKey: "pk\(keyIndex)", desc: desc, roles: roles))
                }
                var org = OrgStatus(orgID: orgID)
                org.recordSuccess(OrgSnapshot(orgID: orgID, keys: keys, completedAt: 1_700_000_000.5), changes: [])
                state.orgs[orgID] = org
            }
            state.completedCycles = 1
            states.append(state)
        }
        return states
    }

    /// Where two outputs first differ (nil if equal), so that a failure prints an offset, not megabytes.
    static func firstDifference(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int? {
        if let index = (0..<min(lhs.count, rhs.count)).first(where: { lhs[$0] != rhs[$0] }) { return index }
        return lhs.count == rhs.count ? nil : min(lhs.count, rhs.count)
    }

    @Test("a render deflated as it is written inflates to exactly the text rendered whole, in both formats",
          arguments: [(60, 1), (12_000, 2)] as [(Int, UInt64)])
    func deflatedEqualsWhole(keyCount: Int, seed: UInt64) {
        let states = Self.targets(keyCount: keyCount, seed: seed)
        for format in ExpositionFormat.allCases {
            let renderer = InventoryRenderer()
            let whole = renderer.render(states, format: format)
            let deflated = renderer.renderDeflated(states, format: format)
            #expect(deflated.length == whole.count)
            #expect(Self.firstDifference(Array(buffer: deflated.inflated()), whole) == nil)
            if keyCount > 10_000 {
                #expect(deflated.pieces.count > 1, "a big exposition is held in pieces")
                #expect(deflated.deflatedSize * 4 < whole.count, "held deflated: \(deflated.deflatedSize) of \(whole.count)")
            }
        }
    }

    @Test("a writer handing over small chunks writes the same bytes as one that keeps everything, empty families taken back")
    func chunkedWriterEqualsCollected() {
        var random = SeededGenerator(seed: 7)
        var collected = TextFormatWriter()
        var handedOver: [UInt8] = []
        var chunked = TextFormatWriter(chunkSize: 256) { handedOver.append(contentsOf: $0) }
        func both(_ body: (inout TextFormatWriter) -> Void) {
            body(&collected)
            body(&chunked)
        }
        for family in 0..<300 {
            let samples = Int.random(in: 0...6, using: &random)
            let value = RandomText.make(&random)
            let positions = (collected.position, chunked.position)
            both { $0.family("family_\(family)_total", type: .counter, help: "help \(value)") }
            for sample in 0..<samples {
                let number = Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / (sample == 0 ? 1 : 7)
                both { writer in
                    let prefix = writer.prefix("family_\(family)_total", [("a", value)])
                    writer.sample(prefix, ("b", String(repeating: value, count: sample * 40)), value: number)
                    writer.counter("family_\(family)_total", [("a", value), ("n", "\(sample)")], number, created: 1.5)
                }
            }
            if samples == 0 {
                collected.truncate(to: positions.0)
                chunked.truncate(to: positions.1)
            }
        }
        chunked.finish()
        #expect(Self.firstDifference(handedOver, collected.bytes) == nil)
        #expect(!handedOver.isEmpty)
    }

    @Test("deflate and inflate round-trip empty, tiny, piece-sized and incompressible inputs")
    func roundTrip() {
        var random = SeededGenerator(seed: 11)
        for size in [0, 1, 100, (1 << 16) - 1, 1 << 16, (1 << 16) + 1, 3_000_000, Deflater.plainLimit, Deflater.plainLimit + 1] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
            let deflated = DeflatedExposition(bytes)
            #expect(deflated.length == size)
            #expect(Self.firstDifference(Array(buffer: deflated.inflated()), bytes) == nil, "size \(size)")
            #expect((deflated.plain != nil) == (size <= Deflater.plainLimit), "a small text is kept as it is, a big one is not")
            if let plain = deflated.plain { #expect(Array(buffer: plain) == bytes) }
            let tail = ByteBuffer(string: "process_open_fds 7\n")
            let member = GzipStream.member(prefix: deflated, tail: tail)
            #expect(member.count == deflated.pieces.count + 3, "header, pieces, tail, trailer")
        }
    }

    @Test("a plain scrape inflates 64 KB at a time however much the text expands; a corrupt stream is an error, not a hang")
    func boundedInflate() throws {
        // 20 MB of one letter deflates about a thousand times: one piece holds megabytes of text.
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: 20 << 20)
        let deflated = DeflatedExposition(text)
        #expect(deflated.plain == nil)
        let inflater = Inflater(deflated)
        var total = 0
        var largest = 0
        for _ in 0..<10_000 {
            guard let part = try inflater.next() else { break }
            total += part.readableBytes
            largest = max(largest, part.readableBytes)
        }
        #expect(total == text.count)
        #expect(largest <= Inflater.outputSize)

        var garbage = ByteBuffer()
        garbage.writeBytes([0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x13])
        let corrupt = DeflatedExposition(pieces: [garbage], crc: 0, length: 100, plain: nil)
        #expect(throws: Inflater.Failure.self) {
            let reader = Inflater(corrupt)
            for _ in 0..<100 { _ = try reader.next() }
        }
    }
}
