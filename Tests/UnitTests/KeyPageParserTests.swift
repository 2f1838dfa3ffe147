@testable import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// The one-pass key page reader must agree with `JSONDecoder` on every page it accepts, and leave to it every page
/// `JSONDecoder` refuses (which then reports the bad field).
@Suite("Key pages read in one pass")
struct KeyPageParserTests {
    static func decoded(_ bytes: [UInt8]) -> ListPage<APIKey>? {
        try? JSONDecoder().decode(ListPage<APIKey>.self, from: Data(bytes))
    }

    static func expectSame(_ fast: ListPage<APIKey>, _ slow: ListPage<APIKey>?, _ context: String = "") {
        #expect(fast.results == slow?.results, "\(context)")
        #expect(fast.links == slow?.links, "\(context)")
        #expect(fast.totalCount == slow?.totalCount, "\(context)")
    }

    @Test("a page as JSONSerialization writes it: hostile descriptions, nulls, unknown fields, nested links")
    func serializedPage() throws {
        let inventory = InventoryGenerator(seed: 77, keysPerOrg: [300], projectsPerOrg: 4).generate()
        var results: [[String: Any]] = inventory.orgs[0].keys.map { key in
            [
                "id": key.id, "publicKey": key.publicKey, "desc": key.desc, "privateKey": "********-****-****-db2c132ca78d",
                "links": [["href": "https://cloud.mongodb.com/api/atlas/v2/orgs/x/apiKeys/\(key.id)", "rel": "self"]],
                "roles": key.roles.map { role -> [String: Any] in
                    var entry: [String: Any] = ["roleName": role.roleName]
                    if let projectID = role.projectID { entry["groupId"] = projectID }
                    if let orgID = role.orgID { entry["orgId"] = orgID }
                    return entry
                },
            ]
        }
        results[0]["desc"] = NSNull()
        results[1]["roles"] = NSNull()
        results[2]["extra"] = ["nested": [1, 2.5, -3e2, true, false, NSNull(), ["deep": "x"]]]
        results[3]["desc"] = "emoji 😀, slash /, tab\t, nul-free \u{7F} and é"
        let page: [String: Any] = [
            "results": results, "totalCount": results.count,
            "links": [["rel": "self", "href": "https://x/?pageNum=1"], ["rel": "next", "href": "https://x/?pageNum=2"]],
        ]
        let bytes = Array(try JSONSerialization.data(withJSONObject: page, options: [.prettyPrinted]))
        let fast = try #require(KeyPageParser.page(bytes))
        Self.expectSame(fast, Self.decoded(bytes))
        #expect(fast.results.count == 300)
        #expect(fast.hasNextPage)
        #expect(fast.results[3].desc == "emoji 😀, slash /, tab\t, nul-free \u{7F} and é")
    }

    @Test("escapes: \\uXXXX, surrogate pairs and the short forms; a lone surrogate is left to JSONDecoder")
    func escapes() throws {
        let good = Array(#"{"results":[{"id":"a","desc":"q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00\b\f\r","roles":[]}]}"#.utf8)
        let fast = try #require(KeyPageParser.page(good))
        Self.expectSame(fast, Self.decoded(good))
        #expect(fast.results.first?.desc == "q\"b\\s/n\nt\tué😀\u{08}\u{0C}\r")
        for bad in [#"{"results":[{"id":"a","desc":"\udc00"}]}"#, #"{"results":[{"id":"a","desc":"\x"}]}"#,
                    "{\"results\":[{\"id\":\"a\",\"desc\":\"raw\nnewline\"}]}"] {
            #expect(KeyPageParser.page(Array(bad.utf8)) == nil, "\(bad)")
            #expect(Self.decoded(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test("wrong shapes are left to JSONDecoder, which names the field")
    func wrongShapes() {
        let pages = [
            #"{"results":[{"desc":"no id"}]}"#, #"{"results":[{"id":null}]}"#, #"{"results":[{"id":"a","desc":5}]}"#,
            #"{"results":[{"id":"a","roles":[{"groupId":"g"}]}]}"#, #"{"totalCount":1}"#, #"{"results":{}}"#,
            #"{"results":[],"totalCount":1.5}"#, #"{"results":[]} x"#, #"[]"#, "",
        ]
        for page in pages {
            #expect(KeyPageParser.page(Array(page.utf8)) == nil, "\(page)")
        }
    }

    @Test("5,000 mutated pages: whatever the one-pass reader accepts, JSONDecoder reads the same")
    func mutatedPagesAgree() throws {
        var accepted = 0
        var refused = 0
        for bytes in PageMutator.mutatedPages(count: 5_000, seed: 2027) {
            if let fast = KeyPageParser.page(bytes) {
                let slow = Self.decoded(bytes)
                #expect(slow != nil, "accepted a page JSONDecoder refuses: \(String(decoding: bytes, as: UTF8.self))")
                Self.expectSame(fast, slow, String(decoding: bytes, as: UTF8.self))
                accepted += 1
            } else {
                refused += 1
            }
        }
        #expect(accepted > 0 && refused > 0, "accepted \(accepted), refused \(refused)")
    }
}

extension KeyPageParser {
    /// The page as `APIKey`s, in the order listed, or nil when `JSONDecoder` should have the last word.
    static func page(_ body: [UInt8]) -> ListPage<APIKey>? {
        var builder = KeyTableBuilder()
        guard let info = parse(body, into: &builder) else { return nil }
        return ListPage(results: builder.keysInOrder, links: info.links, totalCount: info.totalCount)
    }
}
