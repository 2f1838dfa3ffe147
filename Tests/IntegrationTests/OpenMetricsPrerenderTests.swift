import APIKeyExporter
import Foundation
import NIOCore
import TestSupport
import Testing

/// OpenMetrics, once a scraper has asked for it, is rendered by the publisher with the text after each cycle, and
/// scrapes over a real socket serve those bytes without rendering.
@Suite("OpenMetrics pre-rendered by the publisher")
struct OpenMetricsPrerenderTests {
    static func key(_ index: Int) -> APIKey {
        APIKey(id: String(format: "5c47503320eef5699e%06x", index), publicKey: "pk\(index)", desc: "key \(index)",
               roles: [RoleAssignment(scope: .organization, roleName: "ORG_MEMBER")])
    }

    static let askOpenMetrics = "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"

    @Test("after an OpenMetrics scrape, each cycle's publication holds OpenMetrics, served byte for byte without a render")
    func prerendered() async throws {
        let renderer = InventoryRenderer()
        let cache = ExpositionCache()
        let publisher = ExpositionPublisher(renderer: renderer, cache: cache)
        let first = [RendererTests.state(keys: (0..<3).map(Self.key))]
        let second = [RendererTests.state(keys: (0..<5).map(Self.key))]
        publisher.publish(first)
        #expect(cache.current.renderedOpenMetrics == nil, "nobody asked for OpenMetrics: not rendered")

        try await serving(cache) { port in
            let url = "http://127.0.0.1:\(port)/metrics"
            let firstScrape = try await httpGet(url, headers: [Self.askOpenMetrics])
            #expect(firstScrape.headers["content-type"] == ExpositionFormat.openMetrics.contentType)
            #expect(cache.openMetricsRendersInScrapes == 1, "the first OpenMetrics scrape renders the first cycle once")

            publisher.cycleStarting()
            publisher.publish(second)
            let published = try #require(cache.current.renderedOpenMetrics, "the next cycle's publication has OpenMetrics")
            let expected = renderer.render(second, format: .openMetrics)
            #expect(Array(buffer: published.plainText()) == expected)

            for acceptEncoding in ["gzip", "identity", "gzip", "identity"] {
                let scrape = try await httpGet(url, headers: [Self.askOpenMetrics, "Accept-Encoding: \(acceptEncoding)"])
                #expect(scrape.status == 200)
                #expect(scrape.headers["content-type"] == ExpositionFormat.openMetrics.contentType)
                let body = Array(scrape.body)
                #expect(body.starts(with: expected), "the pre-rendered bytes, then the process block")
                let tail = String(decoding: body.dropFirst(expected.count), as: UTF8.self)
                #expect(tail.hasSuffix("# EOF\n") && tail.contains("# TYPE process_cpu_seconds counter\n"))
                #expect(!tail.contains("mongodb_api_key"), "only the process block follows: \(tail.prefix(300))")
            }
            #expect(cache.openMetricsRendersInScrapes == 1, "no scrape rendered the pre-rendered cycle")

            // A text scrape is unaffected, and the cycle after renders OpenMetrics again before any scrape.
            let text = try await httpGet(url)
            #expect(text.headers["content-type"] == ExpositionFormat.text.contentType)
            #expect(Array(text.body).starts(with: renderer.render(second)))
            publisher.cycleStarting()
            publisher.publish(first)
            #expect(cache.current.renderedOpenMetrics.map { Array(buffer: $0.plainText()) } == renderer.render(first, format: .openMetrics))
            #expect(cache.openMetricsRendersInScrapes == 1)
        }
    }
}
