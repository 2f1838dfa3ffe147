#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird

/// How the simulated API answers: pagination with the real defaults and links, JSON bodies (whole, cut short or
/// truncated on purpose), and error bodies like the real API's.
extension AtlasSimulator {
    // MARK: Pagination

    /// `pageNum` (default 1) and `itemsPerPage` (default 100, at most 500), with `self`, `previous` and `next` links;
    /// `carriedQuery` (e.g. `&includeSystemManaged=true`) is kept in every link, as the filter it holds must be.
    func paginate<Item, Body: Encodable>(
        _ request: Request, prefix: String, path: String, items: [Item], damage: BodyDamage? = nil,
        cache: (key: String, generation: Int)? = nil, carriedQuery: String = "", _ transform: (Item) -> Body
    ) -> Response {
        let query = request.uri.queryParameters
        let pageNumText = query["pageNum"].map(String.init) ?? "1"
        let itemsText = query["itemsPerPage"].map(String.init) ?? "100"
        guard let pageNum = Int(pageNumText), pageNum >= 1 else {
            return error(400, "INVALID_ATTRIBUTE", "Invalid attribute pageNum specified.", parameters: ["pageNum"])
        }
        guard let itemsPerPage = Int(itemsText), (1...500).contains(itemsPerPage) else {
            return error(400, "INVALID_ATTRIBUTE", "Invalid attribute itemsPerPage specified.", parameters: ["itemsPerPage"])
        }
        let faults = self.faults
        let start = min(items.count, (pageNum - 1) * itemsPerPage)
        let end = min(items.count, start + itemsPerPage)
        var pageItems = Array(items[start..<end])
        if faults.duplicateKeyAcrossPages, pageNum > 1, start > 0, !pageItems.isEmpty {
            pageItems[0] = items[start - 1]
        }
        let base = baseURL(request, prefix: prefix) + path
        func href(_ page: Int) -> String { "\(base)?pageNum=\(page)&itemsPerPage=\(itemsPerPage)\(carriedQuery)" }
        var links = [APIBody.Link(href: href(pageNum), rel: "self")]
        if pageNum > 1 { links.insert(.init(href: href(pageNum - 1), rel: "previous"), at: 0) }
        let nextAllowed = faults.omitNextLinkAfterPage.map { pageNum < $0 } ?? true
        if end < items.count, nextAllowed { links.append(.init(href: href(pageNum + 1), rel: "next")) }
        let totalCount = items.count + (faults.totalCountDrift && pageNum > 1 ? 1 : 0) + faults.totalCountOffset
        return json(APIBody.Page(links: links, results: pageItems.map(transform), totalCount: totalCount), prefix: prefix,
                    damage: damage, cache: cache)
    }

    // MARK: Helpers

    func baseURL(_ request: Request, prefix: String) -> String {
        "http://\(request.head.authority ?? "127.0.0.1")\(prefix)"
    }

    /// How `json` spoils a body, for the malformed and truncated faults.
    enum BodyDamage {
        /// A complete response whose JSON stops halfway.
        case malformed
        /// The full Content-Length announced, half the bytes sent, then the connection dropped.
        case truncated
    }

    struct TruncatedOnPurpose: Error {}

    func contentType(prefix: String) -> String {
        prefix == "/api/atlas/v2" ? "\(Self.versionedMediaType);charset=utf-8" : "application/json"
    }

    /// `body` encoded as the API would; stored in `cache` when given (and undamaged).
    func json(_ body: some Encodable, prefix: String, damage: BodyDamage? = nil,
                      cache: (key: String, generation: Int)? = nil) -> Response {
        let contentType = contentType(prefix: prefix)
        var data = APIBody.encode(body)
        if let suffix = faults.textSuffix { data = TextPoisoning.appending(suffix, toTextIn: data) }
        let responseBody: ResponseBody
        switch damage {
        case nil:
            let whole = ByteBuffer(bytes: data)
            if let cache { pageCache.store(whole, key: cache.key, generation: cache.generation) }
            responseBody = ResponseBody(byteBuffer: whole)
        case .malformed:
            responseBody = ResponseBody(byteBuffer: ByteBuffer(bytes: data.prefix(data.count / 2)))
        case .truncated:
            let half = ByteBuffer(bytes: data.prefix(data.count / 2))
            responseBody = ResponseBody(contentLength: data.count) { writer in
                try await writer.write(half)
                throw TruncatedOnPurpose()
            }
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: responseBody)
    }

    func orgNotFound(_ orgID: String) -> Response {
        error(404, "ORG_NOT_FOUND", "No organization with ID \(orgID) exists.", parameters: [orgID])
    }

    static let reasonPhrases = [
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 406: "Not Acceptable",
        429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
    ]

    func error(_ status: Int, _ code: String, _ detail: String, parameters: [String] = [],
               headers: HTTPFields = [:]) -> Response {
        let status = HTTPResponse.Status(code: status, reasonPhrase: Self.reasonPhrases[status] ?? "Error")
        var headers = headers
        headers[.contentType] = "application/json"
        let body = APIBody.Error(detail: detail, error: status.code, errorCode: code, parameters: parameters,
                                 reason: status.reasonPhrase)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: APIBody.encode(body))))
    }
}
