/// One libcurl handle whose every exchange is counted in a target's `RequestCounter`: by status code, or as
/// `error` when no status arrived. The API client's transport and the OAuth token fetch both send through one,
/// so every request the exporter makes to an API shows in `mongodb_apikey_exporter_api_requests_total`.
///
/// Not thread-safe (a libcurl handle is not): its owner serialises use.
final class CountedConnection {
    private let handle: CurlEasyHandle
    private let requestCounter: RequestCounter
    /// Whether the connections this handle opens are counted (`connectionsOpened`); that figure tells how well
    /// the API client reuses its connections, so the token fetch, one short-lived handle per token, stays out.
    private let countsConnections: Bool

    init(options: TransportOptions, requestCounter: RequestCounter, countsConnections: Bool = true) {
        handle = CurlEasyHandle(options: options)
        self.requestCounter = requestCounter
        self.countsConnections = countsConnections
    }

    /// One HTTP exchange (no retry, no redirect), counted.
    func send(_ url: String, method: String = "GET", headers: [String], body: [UInt8]? = nil,
              maxBodyBytes: Int? = nil) throws(APIError) -> CurlResponse {
        do throws(APIError) {
            let response = try handle.request(url, method: method, headers: headers, body: body, maxBodyBytes: maxBodyBytes)
            requestCounter.record(status: response.status)
            if countsConnections {
                requestCounter.record(newConnections: response.newConnections)
            }
            return response
        } catch {
            requestCounter.record(code: "error")
            throw error
        }
    }
}

extension CurlResponse {
    /// The response itself when its status is in `accepted`; otherwise the API's error for it, with the error
    /// body sanitized (an API may echo credentials back in it).
    func requiringStatus(in accepted: Range<Int>, url: String) throws(APIError) -> CurlResponse {
        guard accepted.contains(status) else {
            throw .http(status: status, body: AtlasErrorBody.sanitized(from: body), url: url)
        }
        return self
    }
}
