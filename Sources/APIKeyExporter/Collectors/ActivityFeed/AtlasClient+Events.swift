#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The activity feed.
extension AtlasClient {
    /// The org's events created at or after `since` (Unix seconds), every page.
    public func listEvents(orgID: String, since: Double) throws(APIError) -> [ActivityEvent] {
        var mismatches = 0
        let minDate = Date(timeIntervalSince1970: since).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        return try listAll(path: "/orgs/\(Self.escapePathSegment(orgID))/events", id: \ActivityEvent.id,
                           countMismatches: &mismatches, filters: [("minDate", Self.escapePathSegment(minDate))])
    }
}
