import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The events listing page by page and its filters, over HTTP.
@Suite("Simulator: events paging and filters")
struct SimulatorEventFilterTests {
    typealias Get = SimulatorRawGet
    static let orgID = SimulatorEventsTests.orgID
    static let actor = SimulatorEventsTests.alice
    static let start: UInt32 = 1_800_000_000

    static func inventory() -> SimulatedInventory {
        SimulatedInventory(orgs: [SimulatedOrg(id: orgID, name: "Org")])
    }

    /// Reads a listing from `path` by its `next` links (at most 10 pages): each page's results and `next` link.
    static func pages(_ running: RunningSimulator, _ path: String) async throws -> [(results: [[String: Any]], next: String?)] {
        var pages: [(results: [[String: Any]], next: String?)] = []
        var target: String? = path
        for _ in 0..<10 {
            guard let current = target else { break }
            let answer = try await Get.get(running, current, accept: Get.keyType)
            #expect(answer.status == 200, "\(answer.body)")
            let next = try answer.link("next")
            pages.append((try answer.results(), next))
            target = next
        }
        return pages
    }

    @Test("1,203 matching events come as 500, 500 and 203, newest first, with next links that keep the filters")
    func paging() async throws {
        try await withSimulator(Self.inventory()) { simulator, running in
            let since = UInt64(Self.start) * 1000
            // Before minDate, and of another type: both filtered out.
            for index in 0..<30 {
                simulator.recordEvent(orgID: Self.orgID, type: "API_KEY_CREATED", actor: Self.actor, address: "203.0.113.1",
                                      at: since - 1 - UInt64(index))
            }
            for index in 0..<1_203 {
                simulator.recordEvent(orgID: Self.orgID, type: index % 2 == 0 ? "API_KEY_CREATED" : "API_KEY_DELETED",
                                      actor: Self.actor, address: "203.0.113.1", targetPublicKey: "k\(index)",
                                      at: since + UInt64(index) * 10)
                simulator.recordEvent(orgID: Self.orgID, type: "API_KEY_ROLES_CHANGED", actor: Self.actor,
                                      address: "203.0.113.1", at: since + UInt64(index) * 10 + 1)
            }
            let minDate = Get.iso(Self.start)
            let path = "/api/atlas/v2/orgs/\(Self.orgID)/events?minDate=\(minDate)&itemsPerPage=500&pageNum=1"
                + "&eventType=API_KEY_CREATED&eventType=API_KEY_DELETED&includeRaw=true"
            let pages = try await Self.pages(running, path)
            #expect(pages.map(\.results.count) == [500, 500, 203])
            for next in pages.compactMap(\.next) {
                #expect(next.contains("minDate=\(minDate)") && next.contains("itemsPerPage=500"))
                #expect(next.contains("eventType=API_KEY_CREATED&eventType=API_KEY_DELETED"))
            }
            #expect(pages.last?.next == nil)
            let keys = pages.flatMap(\.results).compactMap { $0["targetPublicKey"] as? String }
            #expect(keys == (0..<1_203).reversed().map { "k\($0)" }, "every matching event once, newest first")
        }
    }

    @Test("minDate and maxDate are inclusive to the millisecond; eventType repeats; a bad date is a 400")
    func filters() async throws {
        try await withSimulator(Self.inventory()) { simulator, running in
            let base = UInt64(Self.start) * 1000
            let types = ["API_KEY_CREATED", "API_KEY_DELETED", "API_KEY_ROLES_CHANGED", "API_KEY_DESCRIPTION_CHANGED", "OTHER"]
            for (index, type) in types.enumerated() {
                simulator.recordEvent(orgID: Self.orgID, type: type, actor: Self.actor, address: "203.0.113.1",
                                      targetPublicKey: "k\(index)", at: base + UInt64(index) * 1_000 + 250)
            }
            func listed(_ query: String) async throws -> [String] {
                let answer = try await Get.get(running, "/api/atlas/v2/orgs/\(Self.orgID)/events?\(query)", accept: Get.keyType)
                #expect(answer.status == 200, "\(query): \(answer.body)")
                return try answer.results().compactMap { $0["targetPublicKey"] as? String }
            }
            #expect(try await listed("") == ["k4", "k3", "k2", "k1", "k0"])
            let second = Get.iso(Self.start + 1, milliseconds: "250")
            let fourth = Get.iso(Self.start + 3, milliseconds: "250")
            #expect(try await listed("minDate=\(second)") == ["k4", "k3", "k2", "k1"])
            #expect(try await listed("minDate=\(Get.iso(Self.start + 1, milliseconds: "251"))") == ["k4", "k3", "k2"])
            #expect(try await listed("maxDate=\(fourth)") == ["k3", "k2", "k1", "k0"])
            #expect(try await listed("minDate=\(second)&maxDate=\(fourth)") == ["k3", "k2", "k1"])
            #expect(try await listed("minDate=\(Get.iso(Self.start + 2))") == ["k4", "k3", "k2"], "whole seconds")
            #expect(try await listed("minDate=\(Get.iso(Self.start + 3))&eventType=API_KEY_CREATED").isEmpty)
            #expect(try await listed("eventType=API_KEY_DELETED&eventType=OTHER") == ["k4", "k1"])
            #expect(try await listed("eventType=API_KEY_ROLES_CHANGED&includeRaw=true") == ["k2"])
            // An offset, percent-encoded as a client must: 02:00:03+02:00 is 00:00:03 UTC.
            let offset = String(Get.iso(Self.start + 3 + 7_200).dropLast()) + "%2B02:00"
            #expect(try await listed("minDate=\(offset)") == ["k4", "k3"])

            let bad = try await Get.get(running, "/api/atlas/v2/orgs/\(Self.orgID)/events?minDate=yesterday", accept: Get.keyType)
            #expect(bad.status == 400)
            #expect(try bad.object()["parameters"] as? [String] == ["minDate"])
        }
    }
}
