#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport
import Hummingbird
import HummingbirdCore
import ServerSupport
import ServiceLifecycle
import Logging
import Synchronization

/// An Atlas-compatible Admin API on a loopback port: `/orgs`, `/orgs/{id}`, `/orgs/{id}/apiKeys` (paginated)
/// `/orgs/{id}/apiKeys/{keyId}` and `/orgs/{id}/events` (see `EventEndpoint.swift`) under `/api/atlas/v1.0`,
/// `/api/atlas/v2` and `/api/public/v1.0`, behind real HTTP Digest authentication; service accounts under v2 only
/// (see `ServiceAccountEndpoints.swift`); `/orgs/{id}/settings` on Atlas (see `OrgSettingsEndpoint.swift`); Ops
/// Manager's global keys, global access list and agent keys under `/api/public/v1.0` for its flavors (see
/// `OpsManagerEndpoints.swift`).
public final class AtlasSimulator: Sendable {
    public static let prefixes = ["/api/atlas/v1.0", "/api/atlas/v2", "/api/public/v1.0"]
    static let versionedMediaType = "application/vnd.atlas.2023-01-01+json"

    /// The inventory, its generation and the activity feeds.
    private let inventoryState: Mutex<SimulatorState>
    /// The time events recorded without one get (Unix milliseconds).
    let eventClock: @Sendable () -> UInt64
    let pageCache = PageCache()
    private let faultState = Mutex(SimulatorFaults())
    private let statsState = Mutex(SimulatorStats())
    let authenticator: DigestAuthenticator
    public let tokenIssuer: TokenIssuer

    /// `users` maps public keys to private keys accepted by Digest authentication; `serviceAccounts` maps client
    /// ids to secrets accepted by `POST /api/oauth/token`, whose tokens live `tokenLifetime`. Each org's activity
    /// feed keeps its newest `eventLogCapacity` events; `eventClock` dates events recorded without a time.
    public init(inventory: SimulatedInventory, users: [String: String], nonceLifetime: Duration = .seconds(300),
                serviceAccounts: [String: String] = [:], tokenLifetime: Duration = .seconds(3600),
                eventLogCapacity: Int = 10_000,
                eventClock: @escaping @Sendable () -> UInt64 = AtlasSimulator.systemMilliseconds) {
        inventoryState = Mutex(SimulatorState(inventory: inventory, events: EventLog(capacity: eventLogCapacity)))
        self.eventClock = eventClock
        authenticator = DigestAuthenticator(users: users, nonceLifetime: nonceLifetime)
        tokenIssuer = TokenIssuer(clients: serviceAccounts, lifetime: tokenLifetime)
    }

    public var inventory: SimulatedInventory {
        get { inventoryState.withLock { $0.inventory } }
        set {
            inventoryState.withLock { state in
                state.inventory = newValue
                state.generation += 1
            }
        }
    }

    public var faults: SimulatorFaults {
        get { faultState.withLock { $0 } }
        set { faultState.withLock { $0 = newValue } }
    }

    public var stats: SimulatorStats {
        statsState.withLock { $0 }
    }

    /// Takes one request from the current burst; the status and Retry-After to answer with, if any is left.
    func takeBurst() -> (status: Int, retryAfter: String?)? {
        faultState.withLock { faults in
            guard faults.burstCount > 0 else { return nil }
            faults.burstCount -= 1
            return (faults.burstStatus, faults.burstRetryAfter)
        }
    }

    /// Takes one answer from `exhaustedWindowResponses`; the reset to announce, if any is left.
    func takeExhaustedWindow() -> Int? {
        faultState.withLock { faults in
            guard faults.exhaustedWindowResponses > 0 else { return nil }
            faults.exhaustedWindowResponses -= 1
            return faults.exhaustedWindowReset
        }
    }

    /// Changes the inventory atomically, while the simulator serves.
    @discardableResult
    public func mutate<T>(_ body: (inout SimulatedInventory) -> T) -> T {
        inventoryState.withLock { state in
            state.generation += 1
            return body(&state.inventory)
        }
    }

    /// Changes the inventory and the event log atomically (the key changes that record events use it).
    func withState<T>(_ body: (inout SimulatorState) -> T) -> T {
        inventoryState.withLock { body(&$0) }
    }

    /// Starts serving on `host:port` (port 0 picks a free one) and returns once the socket listens.
    public func start(host: String = "127.0.0.1", port: Int = 0, logger: Logger? = nil) async throws -> RunningSimulator {
        var quiet = logger ?? Logger(label: "atlas-simulator")
        if logger == nil { quiet.logLevel = .critical }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: makeRouter(),
            // A client connecting as it stops (a poller's request) gets its connection closed instead of trapping.
            server: HTTPServerBuilder { responder in ClosingUnserved(HTTP1Channel(responder: responder)) },
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "atlas-simulator"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? port)
                portContinuation.finish()
            },
            logger: quiet
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: quiet))
        let task = Task { try await group.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            await group.triggerGracefulShutdown()
            throw CancellationError()
        }
        return RunningSimulator(host: host, port: boundPort, group: group, task: task)
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: OffPoolMiddleware())
        router.add(middleware: AuthMiddleware(simulator: self))
        router.post(RouterPath(Self.tokenPath)) { request, _ in self.issueToken(request) }
        for prefix in Self.prefixes {
            let group = router.group(RouterPath(prefix))
            group.get("orgs") { request, _ in self.listOrgs(request, prefix: prefix) }
            group.get("orgs/:orgID") { request, context in
                self.getOrg(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "")
            }
            group.get("orgs/:orgID/apiKeys") { request, context in
                self.listKeys(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "")
            }
            group.get("orgs/:orgID/apiKeys/:keyID") { request, context in
                self.getKey(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "",
                            keyID: context.parameters.get("keyID") ?? "")
            }
            group.get("orgs/:orgID/apiKeys/:keyID/accessList") { request, context in
                self.listAccessList(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "",
                                    keyID: context.parameters.get("keyID") ?? "")
            }
            group.get("orgs/:orgID/groups") { request, context in
                self.listProjects(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "")
            }
            group.get("orgs/:orgID/events") { request, context in
                self.listEvents(request, prefix: prefix, orgID: context.parameters.get("orgID") ?? "")
            }
            addServiceAccountRoutes(group, prefix: prefix)
            addSettingsRoutes(group, prefix: prefix)
            addDelegationRoutes(group, prefix: prefix)
            addMCPConfigRoutes(group, prefix: prefix)
            addAIModelKeyRoutes(group, prefix: prefix)
            group.get("groups/:groupID/events") { request, context in
                self.listProjectEvents(request, prefix: prefix, projectID: context.parameters.get("groupID") ?? "")
            }
            addOpsManagerRoutes(group, prefix: prefix)
        }
        return router
    }

    func record(_ update: (inout SimulatorStats) -> Void) {
        statsState.withLock { update(&$0) }
    }

    // MARK: Endpoints

    static let tokenPath = "/api/oauth/token"

    /// Client credentials grant: `Basic` client id and secret in, a bearer token out.
    private func issueToken(_ request: Request) -> Response {
        record { $0.tokenRequests += 1 }
        guard let issued = tokenIssuer.issue(basicAuthorization: request.headers[.authorization]) else {
            return error(401, "INVALID_CLIENT", "Invalid service account credentials.")
        }
        let body = #"{"access_token":"\#(issued.token)","expires_in":\#(issued.expiresIn),"token_type":"Bearer"}"#
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    private func listOrgs(_ request: Request, prefix: String) -> Response {
        let base = baseURL(request, prefix: prefix)
        var orgs = inventory.orgs
        for id in faults.extraOrgIDs { orgs.append(SimulatedOrg(id: id, name: "hostile \(id)")) }
        return paginate(request, prefix: prefix, path: "/orgs", items: orgs) { org in
            APIBody.Org(id: org.id, isDeleted: false, links: [.init(href: "\(base)/orgs/\(org.id)", rel: "self")], name: org.name)
        }
    }

    private func getOrg(_ request: Request, prefix: String, orgID: String) -> Response {
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        let base = baseURL(request, prefix: prefix)
        return json(APIBody.Org(id: org.id, isDeleted: false, links: [.init(href: "\(base)/orgs/\(org.id)", rel: "self")],
                                name: org.name), prefix: prefix)
    }

    private func listKeys(_ request: Request, prefix: String, orgID: String) -> Response {
        guard inventory.org(orgID) != nil else { return orgNotFound(orgID) }
        let served = statsState.withLock { stats in
            stats.keyPages += 1
            return stats.keyPages
        }
        if let after = faults.deleteFirstKeyAfterKeyPages, served == after + 1 {
            mutate { inventory in
                if let index = inventory.orgs.firstIndex(where: { $0.id == orgID }), !inventory.orgs[index].keys.isEmpty {
                    inventory.orgs[index].keys.removeFirst()
                }
            }
        }
        let (org, generation) = inventoryState.withLock { ($0.inventory.org(orgID), $0.generation) }
        guard let org else { return orgNotFound(orgID) }
        let base = baseURL(request, prefix: prefix)
        let faults = self.faults
        if let descriptionBytes = faults.endlessKeyPagesDescriptionBytes {
            return endlessKeyPage(request, prefix: prefix, orgID: orgID, descriptionBytes: descriptionBytes)
        }
        var cacheKey: String?
        if faults == SimulatorFaults() {
            let query = request.uri.queryParameters
            cacheKey = "\(base)|\(orgID)|\(query["pageNum"] ?? "")|\(query["itemsPerPage"] ?? "")"
            if let cacheKey, let page = pageCache.page(cacheKey, generation: generation) {
                return Response(status: .ok, headers: [.contentType: contentType(prefix: prefix)], body: ResponseBody(byteBuffer: page))
            }
        }
        let stale = faults.staleListing
        let listed = stale.isEmpty ? org.keys : org.keys.map { stale[$0.id] ?? $0 }
        let damage: BodyDamage? = faults.truncatedKeyPages ? .truncated : faults.malformedKeyPages ? .malformed : nil
        let cache = cacheKey.map { (key: $0, generation: generation) }
        return paginate(request, prefix: prefix, path: "/orgs/\(orgID)/apiKeys", items: listed, damage: damage, cache: cache) { key in
            APIBody.key(key, selfHref: "\(base)/orgs/\(orgID)/apiKeys/\(key.id)")
        }
    }

    /// Page `pageNum` of a listing without end: 500 fresh keys, a `next` link, a huge `totalCount`.
    private func endlessKeyPage(_ request: Request, prefix: String, orgID: String, descriptionBytes: Int) -> Response {
        let pageNum = Int(request.uri.queryParameters["pageNum"] ?? "1") ?? 1
        let description = String(repeating: "d", count: max(0, min(descriptionBytes, 1 << 20)))
        let keys = (0..<500).map { index in
            let id = (pageNum * 500 + index).hex(width: 24)
            return APIBody.Key(desc: description, id: id, links: [], privateKey: "********", publicKey: "endless\(index)",
                               roles: [APIBody.Role(groupId: nil, orgId: orgID, roleName: "ORG_READ_ONLY")])
        }
        let base = baseURL(request, prefix: prefix) + "/orgs/\(orgID)/apiKeys"
        let links = [APIBody.Link(href: "\(base)?pageNum=\(pageNum + 1)&itemsPerPage=500", rel: "next")]
        return json(APIBody.Page(links: links, results: keys, totalCount: Int(Int32.max)), prefix: prefix)
    }

    private func getKey(_ request: Request, prefix: String, orgID: String, keyID: String) -> Response {
        record { $0.singleKeyRequests += 1 }
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        guard let key = org.keys.first(where: { $0.id == keyID }), !faults.hiddenFromGetOne.contains(keyID) else {
            return keyNotFound(keyID)
        }
        let base = baseURL(request, prefix: prefix)
        return json(APIBody.key(key, selfHref: "\(base)/orgs/\(orgID)/apiKeys/\(keyID)"), prefix: prefix)
    }

    private func listAccessList(_ request: Request, prefix: String, orgID: String, keyID: String) -> Response {
        record { $0.accessListRequests += 1 }
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        guard let key = org.keys.first(where: { $0.id == keyID }) else { return keyNotFound(keyID) }
        let base = baseURL(request, prefix: prefix) + "/orgs/\(orgID)/apiKeys/\(keyID)/accessList"
        return paginate(request, prefix: prefix, path: "/orgs/\(orgID)/apiKeys/\(keyID)/accessList", items: key.accessList) { entry in
            APIBody.accessEntry(entry, selfHref: "\(base)/\(entry.address.replacing("/", with: "%2F"))")
        }
    }

    private func listProjects(_ request: Request, prefix: String, orgID: String) -> Response {
        guard let org = inventory.org(orgID) else { return orgNotFound(orgID) }
        let base = baseURL(request, prefix: prefix)
        return paginate(request, prefix: prefix, path: "/orgs/\(orgID)/groups", items: org.projects) { project in
            APIBody.Project(clusterCount: 0, created: APIBody.isoTime(UInt32(project.id.prefix(8), radix: 16) ?? 0),
                            id: project.id, links: [.init(href: "\(base)/groups/\(project.id)", rel: "self")],
                            name: project.name, orgId: orgID)
        }
    }

    private func keyNotFound(_ keyID: String) -> Response {
        error(404, "API_KEY_NOT_FOUND", "No API key with ID \(keyID) exists.", parameters: [keyID])
    }
}

/// A simulator serving in the background until `stop()`.
public struct RunningSimulator: Sendable {
    public let host: String
    public let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// The base URL of one API flavour, e.g. `http://127.0.0.1:PORT/api/atlas/v2`.
    public func baseURL(_ prefix: String = "/api/atlas/v2") -> String {
        "http://\(host):\(port)\(prefix)"
    }

    /// Stops with a graceful shutdown: requests in flight finish, idle connections close. Cancelling the serving
    /// task instead can leave a just-accepted connection unserved (apple/swift-nio#3481), which trapped before
    /// `ClosingUnserved`; the graceful way is still the one that lets requests in flight finish.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
