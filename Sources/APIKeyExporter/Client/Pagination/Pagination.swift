/// How much one listing may hold before it is abandoned: a server that never stops paging (or pages huge items)
/// must not take the exporter's memory with it. The defaults fit any real organization with a wide margin (Atlas
/// caps an organization at far fewer keys); settable per target in the config file.
public struct ListingLimits: Sendable, Equatable {
    /// Items across all pages of one listing.
    public var maxItems = 200_000
    /// Response bytes across all pages of one read of a listing. 200,000 keys (the item bound) are about 60 MB of
    /// JSON, so 128 MiB is twice the largest real listing, while what a listing that never ends can take stays a
    /// fraction of a small container's memory (see docs/RELIABILITY.md for the measured peak).
    public var maxBytes = defaultMaxBytes
    public static let defaultMaxBytes = 128 << 20

    public init(maxItems: Int = 200_000, maxBytes: Int = defaultMaxBytes) {
        self.maxItems = maxItems
        self.maxBytes = maxBytes
    }
}

/// A listing read page by page into a compact form (the key listing's table) instead of one value per item.
protocol ListingBuilder {
    associatedtype Listing
    init()
    /// Items appended so far.
    var count: Int { get }
    func id(at index: Int) -> String
    func build() -> Listing
    static func count(of listing: Listing) -> Int
    /// The listing's ids, to compare two reads of it.
    static func ids(of listing: Listing) -> Set<String>
    /// An id the finished listing holds twice, if any.
    static func repeatedID(in listing: Listing) -> String?
}

/// What one page of a listing says besides its items.
struct PageSummary {
    var count: Int
    var links: [APILink]?
    var totalCount: Int?

    var hasNextPage: Bool { APILink.hasNext(links) }
}

/// Reads listings page by page and holds them to the paging rules; the requests themselves are the caller's
/// (`AtlasClient` sends them through its transport), so the rules do not depend on how pages arrive.
///
/// A read stops at the first page without a `next` link or without results. It is refused (as inconsistent) when
/// it repeats an id, when `totalCount` changes between pages, or when it never ends: the pages shifted under us,
/// so some items may have been missed or counted twice. `totalCount` is documented as an estimate, so a listing
/// whose length differs from it is read a second time at once: if both reads list the same ids it is accepted
/// (and `countMismatches` counts it), otherwise the pages moved. Past `limits` a read stops with `.tooLarge`.
struct Pagination {
    /// The API's maximum page size; fewer pages means fewer requests against the rate limits.
    static let maxItemsPerPage = 500
    /// A listing longer than this many pages (2.5 million keys) is treated as a server loop.
    static let maxPages = 5_000

    let limits: ListingLimits
    /// Where reading a page waits for a core (see `CPUGate`).
    let cpuGate: CPUGate

    /// Fetches one page: a 2xx answer to the listing's URL with `query` (its page number and size) no larger than
    /// `maxBodyBytes`, and the URL it came from.
    typealias FetchPage = (_ query: [(String, String)], _ maxBodyBytes: Int) throws(APIError) -> (RedactedResponse, String)
    /// Decodes one fetched page.
    typealias DecodePage<Element: Decodable & Sendable> = (RedactedResponse, String) throws(APIError) -> ListPage<Element>

    /// Every element of the listing at `url` (named in errors).
    func readListing<Element: Decodable & Sendable>(
        url: String, id: KeyPath<Element, String>, countMismatches: inout Int,
        fetch: FetchPage, decode: DecodePage<Element>
    ) throws(APIError) -> [Element] {
        try readConfirmingCount(url: url, countMismatches: &countMismatches, read: { () throws(APIError) in
            let (items, totalCount) = try readAllPages(url: url, id: id, fetch: fetch, decode: decode)
            return (items, items.count, totalCount)
        }, ids: { Set($0.map { $0[keyPath: id] }) })
    }

    /// Every item of the listing at `url` read into a `Builder` (a compact form), under the same rules as
    /// `readListing`.
    func readTable<Builder: ListingBuilder>(
        url: String, countMismatches: inout Int, fetch: FetchPage,
        decode: (RedactedResponse, String, inout Builder) throws(APIError) -> PageSummary
    ) throws(APIError) -> Builder.Listing {
        try readConfirmingCount(url: url, countMismatches: &countMismatches, read: { () throws(APIError) in
            var builder = Builder()
            // The first and last id of every page read: a page starting with one of them repeats a page (a server
            // paging in a loop) or overlaps the one before (the listing shifted), and is refused at once. Any other
            // repeat is found once the listing is built.
            var pageEnds: Set<String> = []
            let totalCount = try readPages(url: url, fetch: fetch) { (response, pageURL, pageNum) throws(APIError) in
                let start = builder.count
                let page = try decode(response, pageURL, &builder)
                guard builder.count <= limits.maxItems else {
                    throw .tooLarge(reason: "more than \(limits.maxItems) items", url: url)
                }
                if builder.count > start {
                    let first = builder.id(at: start)
                    if pageEnds.contains(first) {
                        throw .inconsistent(reason: "id \(first) listed twice (page \(pageNum))", url: url)
                    }
                    pageEnds.insert(first)
                    pageEnds.insert(builder.id(at: builder.count - 1))
                }
                return page
            }
            let listing = builder.build()
            if let repeated = Builder.repeatedID(in: listing) {
                throw .inconsistent(reason: "id \(repeated) listed twice", url: url)
            }
            return (listing, Builder.count(of: listing), totalCount)
        }, ids: Builder.ids(of:))
    }

    /// `read` once, and when its length differs from the `totalCount` the pages gave, once more: accepted if both
    /// reads list the same ids (counted in `countMismatches`), refused as inconsistent otherwise.
    private func readConfirmingCount<Listing>(
        url: String, countMismatches: inout Int, read: () throws(APIError) -> (Listing, Int, Int?),
        ids: (Listing) -> Set<String>
    ) throws(APIError) -> Listing {
        let (first, firstCount, totalCount) = try read()
        guard let totalCount, totalCount != firstCount else { return first }
        // Keep only the ids of the first read, so a second read never doubles the memory a listing takes.
        let firstIDs = ids(first)
        let (second, secondCount, _) = try read()
        guard secondCount == firstCount, ids(second) == firstIDs else {
            throw .inconsistent(reason: "listed \(firstCount) items but totalCount is \(totalCount), and a second read "
                                + "listed \(secondCount) different items", url: url)
        }
        countMismatches += 1
        return second
    }

    /// One read of every page, with the `totalCount` the pages agreed on.
    private func readAllPages<Element: Decodable & Sendable>(
        url: String, id: KeyPath<Element, String>, fetch: FetchPage, decode: DecodePage<Element>
    ) throws(APIError) -> (items: [Element], totalCount: Int?) {
        var all: [Element] = []
        var seen = Set<String>()
        let totalCount = try readPages(url: url, fetch: fetch) { (response, pageURL, pageNum) throws(APIError) in
            let page = try decode(response, pageURL)
            guard all.count + page.results.count <= limits.maxItems else {
                throw .tooLarge(reason: "more than \(limits.maxItems) items", url: url)
            }
            for element in page.results {
                let elementID = element[keyPath: id]
                guard seen.insert(elementID).inserted else {
                    throw .inconsistent(reason: "id \(elementID) listed twice (page \(pageNum))", url: url)
                }
                all.append(element)
            }
            return PageSummary(count: page.results.count, links: page.links, totalCount: page.totalCount)
        }
        return (all, totalCount)
    }

    /// Fetches pages until one without results or without a `next` link, holding them to the byte budget, the page
    /// limit and a constant `totalCount`; `read` takes each page in (under the CPU gate) and says what it held.
    private func readPages(
        url: String, fetch: FetchPage,
        read: (RedactedResponse, String, _ pageNum: Int) throws(APIError) -> PageSummary
    ) throws(APIError) -> Int? {
        var totalCount: Int?
        var bytesRead = 0
        for pageNum in 1...Self.maxPages {
            // Half of what remains: while a page is read, its bytes are held twice (the body, and what is kept of it).
            let remaining = (limits.maxBytes - bytesRead) / 2
            let (response, pageURL) = try fetch(
                [("itemsPerPage", String(Self.maxItemsPerPage)), ("pageNum", String(pageNum))], remaining)
            bytesRead += response.body.count
            // Reading the page and keeping its elements is the CPU part of a listing: one gate pass per page.
            let isLastPage = try cpuGate.run { () throws(APIError) -> Bool in
                let page = try read(response, pageURL, pageNum)
                if let pageTotal = page.totalCount {
                    if let totalCount, totalCount != pageTotal {
                        throw .inconsistent(reason: "totalCount changed from \(totalCount) to \(pageTotal) at page \(pageNum)",
                                            url: url)
                    }
                    totalCount = pageTotal
                }
                return page.count == 0 || !page.hasNextPage
            }
            if isLastPage { return totalCount }
        }
        throw .inconsistent(reason: "more than \(Self.maxPages) pages", url: url)
    }
}
