import Foundation

/// Fetches the IP access lists of an org's keys with a bounded number of requests in flight.
final class AccessListCollector: Sendable {
    private let pool: BlockingWorkerPool<AtlasClient>

    init(width: Int, makeClient: () -> AtlasClient) {
        pool = BlockingWorkerPool(width: width, label: "access-list", make: makeClient)
    }

    /// The summaries of every key's access list, or the first error (the collection is then discarded whole).
    func collect(orgID: String, keyIDs: [String]) -> Result<[String: AccessListSummary], APIError> {
        let results = pool.map(keyIDs) { client, keyID in
            Result { () throws(APIError) in
                let entries = try client.listAccessList(orgID: orgID, keyID: keyID)
                return AccessListSummary(entries: entries.count, lastUsed: entries.compactMap { Self.parseTime($0.lastUsed) }.max())
            }
        }
        var summaries: [String: AccessListSummary] = [:]
        for (keyID, result) in zip(keyIDs, results) {
            switch result {
            case .success(let summary): summaries[keyID] = summary
            case .failure(let error): return .failure(error)
            }
        }
        return .success(summaries)
    }

    /// `lastUsed` as the API writes it: ISO 8601 with or without fractional seconds.
    static func parseTime(_ text: String?) -> Double? {
        guard let text else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date.timeIntervalSince1970 }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) {
            return date.timeIntervalSince1970
        }
        return nil
    }
}
