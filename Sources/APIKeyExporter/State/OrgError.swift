#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The last failure of one of an org's collectors, for the status page.
public struct OrgError: Sendable, Equatable {
    /// Messages are cut to this many characters: enough to read, not a whole error body.
    public static let maxMessageLength = 300

    public var collector: String
    /// `APIError.reason`, as `mongodb_apikey_exporter_collector_errors_total` spells it.
    public var reason: String
    /// The error as logged, with secrets redacted and cut to `maxMessageLength`.
    public var message: String
    /// Unix time of the failure.
    public var at: Double

    public init(collector: String, error: APIError, at: Double = Date().timeIntervalSince1970) {
        self.collector = collector
        reason = error.reason
        let redacted = SecretRedactor.shared.redact("\(error)")
        message = redacted.count > Self.maxMessageLength ? String(redacted.prefix(Self.maxMessageLength)) + "…" : redacted
        self.at = at
    }
}
