#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A project's activity feed.
extension AtlasClient {
    /// The project's events of `types` created at or after `since` (Unix seconds), every page; each type a repeated
    /// `eventType` parameter, so the feed sends nothing else.
    func listProjectEvents(projectID: String, since: Double, types: [String]) throws(APIError) -> [ProjectEvent] {
        var mismatches = 0
        let minDate = Date(timeIntervalSince1970: since).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        return try listAll(path: "/groups/\(Self.escapePathSegment(projectID))/events", id: \ProjectEvent.id,
                           countMismatches: &mismatches,
                           filters: [("minDate", Self.escapePathSegment(minDate))] + types.map { ("eventType", $0) })
    }
}
