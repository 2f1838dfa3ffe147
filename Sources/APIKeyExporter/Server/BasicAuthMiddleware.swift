#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport
import Hummingbird
import NIOCore
import Synchronization

/// HTTP basic auth for every endpoint but `/-/healthy` (see `ExporterServer.makeRouter`), as exporter-toolkit does
/// it: a missing or wrong user or password gets 401 with `WWW-Authenticate: Basic`. When too many password checks are already waiting, the answer is 503 with
/// `Retry-After: 1`, without a check (see ``BcryptQueue``): at once, or after that second on a connection that has
/// sent a wrong password.
struct BasicAuthMiddleware: RouterMiddleware {
    typealias Context = ExporterRequestContext

    let verifier: BcryptVerifier
    let suspects = SuspectConnections()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let (user, password) = Self.credentials(request.headers[.authorization]) else {
            return Self.unauthorized()
        }
        let lane: BcryptQueue.Lane = suspects.contains(context.channel) ? .suspect : .fresh
        switch await verifier.verify(user: user, password: password, lane: lane) {
        case .accepted:
            return try await next(request, context)
        case .rejected:
            suspects.insert(context.channel)
            return Self.unauthorized()
        case .busy:
            // A connection that has sent a wrong password, or asks again within the Retry-After second of a
            // refusal, gets its refusal only after that second: a brute force that ignores Retry-After would
            // otherwise turn refusals into a storm of requests taking the CPU the checks need, and keep the fresh
            // lane full. Others get it at once.
            if lane == .suspect || suspects.refused(context.channel) {
                try? await Task.sleep(for: .seconds(1))
            }
            return Response(
                status: .serviceUnavailable, headers: [.retryAfter: "1", .contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "Too many password checks waiting; retry later\n")))
        }
    }

    static func unauthorized() -> Response {
        Response(status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"mongodb_apikey_exporter\"",
                                                  .contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: "Unauthorized\n")))
    }

    static func credentials(_ header: String?) -> (String, String)? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic ",
              let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingWhitespace()),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}

/// The open connections that behave like a brute force: a wrong password was sent on them, or they asked again
/// within a second of being refused (ignoring `Retry-After: 1`; Prometheus scrapes a target at most once a
/// second). Their checks wait behind everyone else's (``BcryptQueue/Lane/suspect``). A connection is forgotten
/// when it closes.
final class SuspectConnections: Sendable {
    private enum Standing {
        case refused(at: ContinuousClock.Instant)
        case suspect
    }

    private let connections = Mutex<[ObjectIdentifier: Standing]>([:])
    /// More connections than this are not remembered (their checks then rank as fresh): the table stays small
    /// however many connections an attacker opens.
    private static let limit = 16_384

    func contains(_ channel: any Channel) -> Bool {
        connections.withLock { if case .suspect = $0[ObjectIdentifier(channel)] { true } else { false } }
    }

    func insert(_ channel: any Channel) {
        update(channel) { _ in .suspect }
    }

    /// Records that a check on `channel` was refused; whether the connection is now suspect, because its previous
    /// refusal was less than a second ago.
    func refused(_ channel: any Channel) -> Bool {
        let now = ContinuousClock.now
        return update(channel) { standing in
            if case .refused(let at) = standing, now - at < .seconds(1) { return .suspect }
            if case .suspect = standing { return .suspect }
            return .refused(at: now)
        }
    }

    /// Sets the channel's standing; whether it is suspect afterwards.
    @discardableResult
    private func update(_ channel: any Channel, _ change: (Standing?) -> Standing) -> Bool {
        let id = ObjectIdentifier(channel)
        let (standing, added) = connections.withLock { table -> (Standing?, Bool) in
            let known = table[id] != nil
            guard known || table.count < Self.limit else { return (nil, false) }
            let standing = change(table[id])
            table[id] = standing
            return (standing, !known)
        }
        // Forget it when it closes, before the channel object (and so its identifier) can be reused; runs at once
        // if it has already closed.
        if added {
            channel.closeFuture.whenComplete { _ in
                _ = self.connections.withLock { $0.removeValue(forKey: id) }
            }
        }
        if case .suspect = standing { return true }
        return false
    }
}
