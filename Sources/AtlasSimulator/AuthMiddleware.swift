import HTTPTypes
import Hummingbird

/// Checks credentials on every API request (Digest for API keys, bearer tokens for service accounts), and the
/// versioned media type under `/api/atlas/v2` (each endpoint's own: see `AtlasSimulator.requiredMediaType`). The token endpoint authenticates its clients itself.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let simulator: AtlasSimulator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await respond(request, context: context, next: next)
        guard simulator.faults.echoRequestHeadersInErrors, response.status.code >= 400 else { return response }
        // Like a careless API or proxy: every request header, credentials included, back in the error body.
        // Authorization first, so that a client cutting long error bodies still gets it.
        let echoed = request.headers.sorted { $0.name == .authorization && $1.name != .authorization }
            .map { "\($0.name.rawName): \($0.value)" }.joined(separator: "; ")
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = response.headers[.wwwAuthenticate]
        headers[.retryAfter] = response.headers[.retryAfter]
        return simulator.error(response.status.code, "ECHO", "request headers: \(echoed)", headers: headers)
    }

    private func respond(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let arrival = ContinuousClock.now
        simulator.record { stats in
            stats.requests += 1
            if AtlasSimulator.isOpsManagerPath(request.uri.path) { stats.opsManagerPathRequests += 1 }
            stats.recentRequests.append(SimulatorRequest(path: request.uri.path, arrival: arrival))
            if stats.recentRequests.count > SimulatorStats.pathMemory { stats.recentRequests.removeFirst() }
        }
        if simulator.faults.serviceUnavailable {
            return simulator.error(503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable.")
        }
        let faults = simulator.faults
        if let delay = faults.responseDelay {
            try await Task.sleep(for: delay)
        }
        if request.uri.path == AtlasSimulator.tokenPath {
            return try await next(request, context)
        }
        let authorization = request.headers[.authorization]
        var outcome: DigestAuthenticator.Outcome
        if let authorization, authorization.hasPrefix("Bearer ") {
            outcome = simulator.tokenIssuer.isValid(bearer: authorization) ? .authorized(username: "service-account") : .unauthorized
        } else {
            outcome = simulator.authenticator.verify(
                authorization: authorization, method: request.method.rawValue, requestTarget: request.head.path ?? "")
        }
        if faults.rejectCredentials { outcome = .unauthorized }
        switch outcome {
        case .authorized:
            break
        case .staleNonce, .unauthorized:
            simulator.record {
                $0.challenges += 1
                if outcome == .staleNonce { $0.staleChallenges += 1 }
            }
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = simulator.authenticator.challenge(stale: outcome == .staleNonce)
            return simulator.error(401, "UNAUTHORIZED", "You are not authorized for this resource.", headers: headers)
        }
        if let required = AtlasSimulator.requiredMediaType(forPath: request.uri.path),
           !(request.headers[.accept] ?? "").contains(required) {
            return simulator.error(406, "INVALID_VERSION_DATE", "Invalid accept header or version date.")
        }
        if let burst = simulator.takeBurst() {
            simulator.record { $0.burstArrivals.append(arrival) }
            var headers = HTTPFields()
            if let retryAfter = burst.retryAfter { headers[.retryAfter] = retryAfter }
            let code = burst.status == 429 ? "RATE_LIMITED" : "UNEXPECTED_ERROR"
            return simulator.error(burst.status, code, "Simulated failure.", headers: headers)
        }
        for (suffix, status) in faults.statusForPathSuffix where request.uri.path.hasSuffix(suffix) {
            return simulator.error(status, "UNEXPECTED_ERROR", "Simulated failure.")
        }
        var response = try await next(request, context)
        if response.status == .ok {
            simulator.record { $0.okResponses += 1 }
            if let reset = simulator.takeExhaustedWindow() {
                response.headers[HTTPField.Name("RateLimit-Remaining")!] = "0"
                response.headers[HTTPField.Name("RateLimit-Reset")!] = String(reset)
            }
        }
        return response
    }
}
