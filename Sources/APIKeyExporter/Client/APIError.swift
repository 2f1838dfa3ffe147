#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The error body the Atlas, Cloud Manager and Ops Manager APIs send with 4xx and 5xx answers.
public struct AtlasErrorBody: Decodable, Sendable, Equatable {
    public var error: Int?
    public var errorCode: String?
    public var detail: String?
    public var reason: String?

    public init(error: Int? = nil, errorCode: String? = nil, detail: String? = nil, reason: String? = nil) {
        self.error = error
        self.errorCode = errorCode
        self.detail = detail
        self.reason = reason
    }
}

extension AtlasErrorBody {
    /// Characters of each field kept: enough for any real error, not for a body that echoes a whole request.
    static let fieldLimit = 1000

    /// Decodes an error body, with every field cut to `fieldLimit` and stripped of secrets: an API (or a proxy in
    /// front of it) may echo the request's `Authorization` header back, and the body ends up in a log line.
    static func sanitized(from bytes: [UInt8], redactor: SecretRedactor = .shared) -> AtlasErrorBody? {
        guard var body = try? JSONDecoder().decode(AtlasErrorBody.self, from: Data(bytes)) else { return nil }
        func clean(_ text: String?) -> String? {
            // Redacted whole, then cut: a cut first could leave half a secret that no longer matches.
            text.map { redactor.redact($0) }.map { $0.count > fieldLimit ? String($0.prefix(fieldLimit)) + "…" : $0 }
        }
        body.errorCode = clean(body.errorCode)
        body.detail = clean(body.detail)
        body.reason = clean(body.reason)
        return body
    }
}

/// Everything that can go wrong talking to the Admin API. No case ever carries a credential.
public enum APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libcurl failed before an HTTP status arrived (connect, TLS, timeout...); `code` is the CURLcode.
    case transport(code: Int, message: String, url: String)
    /// The server answered with a status other than 2xx.
    case http(status: Int, body: AtlasErrorBody?, url: String)
    /// A 2xx body did not have the expected shape; `path` locates the bad field, e.g. `results[3].roles`.
    case decode(path: String, message: String, url: String)
    /// The answer was larger than the configured limit.
    case responseTooLarge(limit: Int, url: String)
    /// The pages of a listing contradict each other (a key id twice, a page loop).
    case inconsistent(reason: String, url: String)
    /// A listing went past its `ListingLimits` (items or bytes): abandoned before it could exhaust memory.
    case tooLarge(reason: String, url: String)

    /// Every value of `reason`, exported at 0 from an org's first poll so rates and alerts have a series.
    public static let reasons = ["auth", "decode", "http_3xx", "http_4xx", "http_5xx", "inconsistent", "rate_limited", "timeout",
                                 "too_large", "transport"]

    /// Why a poll failed, as the `reason` label of `mongodb_apikey_exporter_collector_errors_total` spells it.
    public var reason: String {
        switch self {
        case .transport(let code, _, _): code == 28 ? "timeout" : "transport"  // 28: CURLE_OPERATION_TIMEDOUT
        case .http(let status, _, _) where status == 401 || status == 403: "auth"
        case .http(429, _, _): "rate_limited"
        case .http(let status, _, _) where status >= 500: "http_5xx"
        // Redirects are never followed (a listing must not take credentials to another host).
        case .http(let status, _, _) where status < 400: "http_3xx"
        case .http: "http_4xx"
        case .decode: "decode"
        case .responseTooLarge, .tooLarge: "too_large"
        case .inconsistent: "inconsistent"
        }
    }

    public var isAuthenticationFailure: Bool {
        if case .http(401, _, _) = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .transport(let code, let message, let url):
            return "transport error (curl code \(code): \(message)) for \(url)"
        case .http(let status, let body, let url):
            var text = "HTTP \(status) for \(url)"
            if let code = body?.errorCode { text += ": \(code)" }
            if let detail = body?.detail { text += ": \(detail)" }
            return text
        case .decode(let path, let message, let url):
            return "unexpected response body at \(path.isEmpty ? "<root>" : path): \(message) for \(url)"
        case .responseTooLarge(let limit, let url):
            return "response larger than \(limit) bytes for \(url)"
        case .inconsistent(let reason, let url):
            return "inconsistent listing: \(reason) for \(url)"
        case .tooLarge(let reason, let url):
            return "listing too large: \(reason) for \(url)"
        }
    }
}

extension APIError {
    /// A refusal (401, 403) or a missing endpoint (404): what an API or a credential without some resource answers,
    /// as opposed to a failure of one that has it.
    public var meansNoAccess: Bool {
        if case .http(let status, _, _) = self { return status == 401 || status == 403 || status == 404 }
        return false
    }
}
