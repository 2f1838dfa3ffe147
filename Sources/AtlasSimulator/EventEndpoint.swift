import DigestHeader
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport
import Hummingbird

/// `GET /orgs/{orgId}/events`: an organization's activity feed, newest first as the API lists it, paginated like
/// every listing, with the API's filters: `minDate` and `maxDate` (ISO 8601, both inclusive), `eventType` (repeatable;
/// none means every type). `includeRaw` is accepted and ignored. A credential without access to events gets 403.
extension AtlasSimulator {
    func listEvents(_ request: Request, prefix: String, orgID: String) -> Response {
        let faults = self.faults
        if faults.refuseEvents || faults.usersWithoutEventAccess.contains(Self.digestUsername(request) ?? "") {
            return error(403, "USER_UNAUTHORIZED", "Current user is not authorized to perform this action.")
        }
        guard inventory.org(orgID) != nil else { return orgNotFound(orgID) }
        return eventListing(request, prefix: prefix, path: "/orgs/\(orgID)/events", events: events(orgID: orgID))
    }

    /// A feed's listing at `path` (an org's or a project's): `events` filtered by the request's `minDate`, `maxDate`
    /// and `eventType`, newest first, paginated; 400 for a date the API would refuse.
    func eventListing(_ request: Request, prefix: String, path: String, events: [SimulatedEvent]) -> Response {
        let query = request.uri.queryParameters
        var bounds: [String: UInt64] = [:]
        for name in ["minDate", "maxDate"] {
            guard let text = query[Substring(name)] else { continue }
            guard let milliseconds = Self.parseISOMilliseconds(String(text)) else {
                return error(400, "INVALID_DATE_FORMAT", "Invalid date format for \(name).", parameters: [name])
            }
            bounds[name] = milliseconds
        }
        let types = Set(query[values: "eventType"].map(String.init))
        let (minimum, maximum) = (bounds["minDate"] ?? 0, bounds["maxDate"] ?? .max)
        let matching = events
            .filter { event in
                event.createdMilliseconds >= minimum && event.createdMilliseconds <= maximum
                    && (types.isEmpty || types.contains(event.eventTypeName))
            }
            .sorted { ($0.createdMilliseconds, $0.id) > ($1.createdMilliseconds, $1.id) }
        let base = baseURL(request, prefix: prefix)
        return paginate(request, prefix: prefix, path: path, items: matching,
                        carriedQuery: Self.carriedEventQuery(request)) { event in
            APIBody.event(event, selfHref: "\(base)\(path)/\(event.id)")
        }
    }

    /// The filters of an events request, to repeat in every link of the listing (values percent-encoded).
    static func carriedEventQuery(_ request: Request) -> String {
        let query = request.uri.queryParameters
        var carried = ""
        for name in ["minDate", "maxDate", "eventType", "includeRaw"] {
            for value in query[values: Substring(name)] {
                carried += "&\(name)=" + value.percentEncoded { $0.isUnreserved || $0 == UInt8(ascii: ":") }
            }
        }
        return carried
    }

    /// `2026-01-15T08:00:00Z`, `…:00.123Z` or `…:00+01:00` as Unix milliseconds; nil if not such a time.
    static func parseISOMilliseconds(_ text: String) -> UInt64? {
        guard let date = (try? Date(text, strategy: .iso8601))
            ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) else { return nil }
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite else { return nil }
        return milliseconds <= 0 ? 0 : UInt64(exactly: milliseconds)
    }

    /// The user a Digest `Authorization` header names (the middleware has already checked it).
    static func digestUsername(_ request: Request) -> String? {
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Digest ") else { return nil }
        return DigestHeader.fields(authorization)?["username"]
    }
}

extension APIBody {
    /// An event as `EventViewForOrg` has it; the actor is `userId` + `username` or `apiKeyId` + `publicKey`, or
    /// neither for one Atlas made itself. A key event has `targetPublicKey`; a service account event
    /// (`ServiceAccountOrgEvents`) has no field naming the account. `groupId` only for an event in a project;
    /// `delegatePrincipal` only for one made through delegated access.
    struct Event: Encodable {
        var apiKeyId: String?
        var created: String
        var delegatePrincipal: Principal?
        var eventTypeName: String
        var groupId: String?
        var id: String
        var isGlobalAdmin: Bool
        var links: [Link]
        var orgId: String
        var publicKey: String?
        var remoteAddress: String?
        var targetPublicKey: String?
        var userId: String?
        var username: String?
    }

    static func event(_ event: SimulatedEvent, selfHref: String) -> Event {
        var body = Event(
            created: isoTime(UInt32(clamping: event.createdMilliseconds / 1000),
                             milliseconds: UInt16(event.createdMilliseconds % 1000)),
            delegatePrincipal: event.delegatePrincipal.map(Principal.init),
            eventTypeName: event.eventTypeName, groupId: event.groupID, id: event.id, isGlobalAdmin: false,
            links: [Link(href: selfHref, rel: "self")], orgId: event.orgID,
            remoteAddress: event.remoteAddress.isEmpty ? nil : event.remoteAddress, targetPublicKey: event.targetPublicKey)
        switch event.actor {
        case .system:
            break
        case .user(let userID, let username):
            body.userId = userID
            body.username = username
        case .apiKey(let apiKeyID, let publicKey):
            body.apiKeyId = apiKeyID
            body.publicKey = publicKey
        }
        return body
    }
}
