/// The key endpoints the `keys` collector reads.
extension AtlasClient {
    /// The org's keys read straight into a `KeyTable`, as a snapshot holds them: no `APIKey` per key.
    public func listAPIKeyTable(orgID: String, countMismatches: inout Int) throws(APIError) -> KeyTable {
        try readTable(path: "/orgs/\(Self.escapePathSegment(orgID))/apiKeys", countMismatches: &countMismatches) {
            (response, url, builder: inout KeyTableBuilder) throws(APIError) -> PageSummary in
            if let page = KeyPageParser.parse(response.body, into: &builder) { return page }
            // Anything the reader does not understand: JSONDecoder, which names the bad field.
            let page: ListPage<APIKey> = try decodePage(response, url: url)
            for key in page.results { builder.append(key) }
            return PageSummary(count: page.results.count, links: page.links, totalCount: page.totalCount)
        }
    }

    /// One key, to confirm what a listing says about it.
    public func apiKey(orgID: String, keyID: String) throws(APIError) -> APIKey {
        try get(path: "/orgs/\(Self.escapePathSegment(orgID))/apiKeys/\(Self.escapePathSegment(keyID))")
    }
}
