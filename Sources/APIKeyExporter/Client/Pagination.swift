/// How much one listing may hold before it is abandoned: a server that never stops paging (or pages huge items)
/// must not take the exporter's memory with it. The defaults fit any real organization with a wide margin (Atlas
/// caps an organization at far fewer keys); settable per target in the config file.
public struct ListingLimits: Sendable, Equatable {
    /// Items across all pages of one listing.
    public var maxItems = 200_000
    /// Response bytes across all pages of one read of a listing.
    public var maxBytes = 512 << 20

    public init(maxItems: Int = 200_000, maxBytes: Int = 512 << 20) {
        self.maxItems = maxItems
        self.maxBytes = maxBytes
    }
}

extension AtlasClient {
    /// Reads every page of a listing. Stops at the first page without a `next` link or without results. `keep`
    /// turns each element into what is kept, while its page is still the only other copy.
    ///
    /// Refuses (as inconsistent) a listing that repeats an id, whose `totalCount` changes between pages, or that
    /// never ends: the pages shifted under us, so some items may have been missed or counted twice. `totalCount` is
    /// documented as an estimate, so a listing whose length differs from it is read a second time at once: if both
    /// reads list the same ids it is accepted (and `countMismatches` counts it), otherwise the pages moved.
    /// Past `listingLimits` a read stops with `.tooLarge`.
    func fetchAllPages<Element: Decodable & Sendable>(
        path: String, id: KeyPath<Element, String>, countMismatches: inout Int,
        fastDecode: ([UInt8]) -> ListPage<Element>? = { _ in nil }, keep: (Element) -> Element = { $0 }
    ) throws(APIError) -> [Element] {
        let first = try readAllPages(path: path, id: id, fastDecode: fastDecode, keep: keep)
        guard let totalCount = first.totalCount, totalCount != first.items.count else { return first.items }
        // Keep only the ids of the first read, so a second read never doubles the memory a listing takes.
        let firstIDs = Set(first.items.map { $0[keyPath: id] })
        let firstCount = first.items.count
        let second = try readAllPages(path: path, id: id, fastDecode: fastDecode, keep: keep)
        guard second.items.count == firstCount, second.items.allSatisfy({ firstIDs.contains($0[keyPath: id]) }) else {
            throw .inconsistent(reason: "listed \(firstCount) items but totalCount is \(totalCount), and a second read "
                                + "listed \(second.items.count) different items", url: baseURL + path)
        }
        countMismatches += 1
        return second.items
    }

    /// Same as above, for listings whose count mismatches nobody counts (organizations, projects, access lists).
    func fetchAllPages<Element: Decodable & Sendable>(
        path: String, id: KeyPath<Element, String>
    ) throws(APIError) -> [Element] {
        var mismatches = 0
        return try fetchAllPages(path: path, id: id, countMismatches: &mismatches)
    }

    /// One read of every page, with the `totalCount` the pages agreed on.
    private func readAllPages<Element: Decodable & Sendable>(
        path: String, id: KeyPath<Element, String>, fastDecode: ([UInt8]) -> ListPage<Element>?, keep: (Element) -> Element
    ) throws(APIError) -> (items: [Element], totalCount: Int?) {
        var all: [Element] = []
        var seen = Set<String>()
        var totalCount: Int?
        var bytesRead = 0
        for pageNum in 1...Self.maxPages {
            let remaining = listingLimits.maxBytes - bytesRead
            let (response, url) = try getSuccessful(
                path: path, query: [("itemsPerPage", String(Self.maxItemsPerPage)), ("pageNum", String(pageNum))],
                maxBodyBytes: remaining)
            bytesRead += response.body.count
            // Reading the page and keeping its elements is the CPU part of a listing: one gate pass per page.
            let isLastPage = try cpuGate.run { () throws(APIError) -> Bool in
                let page: ListPage<Element> = try decode(response, url: url, fastDecode: fastDecode)
                if let pageTotal = page.totalCount {
                    if let totalCount, totalCount != pageTotal {
                        throw .inconsistent(reason: "totalCount changed from \(totalCount) to \(pageTotal) at page \(pageNum)",
                                            url: baseURL + path)
                    }
                    totalCount = pageTotal
                }
                guard all.count + page.results.count <= listingLimits.maxItems else {
                    throw .tooLarge(reason: "more than \(listingLimits.maxItems) items", url: baseURL + path)
                }
                for element in page.results {
                    let elementID = element[keyPath: id]
                    guard seen.insert(elementID).inserted else {
                        throw .inconsistent(reason: "id \(elementID) listed twice (page \(pageNum))", url: baseURL + path)
                    }
                    all.append(keep(element))
                }
                return page.results.isEmpty || !page.hasNextPage
            }
            if isLastPage { return (all, totalCount) }
        }
        throw .inconsistent(reason: "more than \(Self.maxPages) pages", url: baseURL + path)
    }
}
