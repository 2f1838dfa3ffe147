import APIKeyExporter
import Foundation
import Logging

/// Target pollers against a simulator, as most suites build them.
public enum TestTargets {
    /// A target poller against `baseURL` with the test credentials, fast retries and logs captured in `sink`.
    public static func make(_ baseURL: String, orgs: OrgSelection, sink: LogSink = .capturing(),
                           collectors: CollectorOptions = CollectorOptions(serviceAccounts: false, activityFeed: false, orgSettings: false,
                                                                             mcpConfigs: false, aiModelKeys: false, projectFeed: false), counter: RequestCounter = RequestCounter(),
                           retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)),
                           timeout: Duration = .seconds(10), limits: ListingLimits = ListingLimits(),
                           name: String = "default") -> TargetPoller {
        let logger = Logger(label: "test") { _ in LineLogHandler(format: .logfmt, level: .debug, sink: sink) }
        let budget = RetryBudget()
        var options = TransportOptions()
        options.retry = retry
        options.requestTimeout = timeout
        options.listingLimits = limits
        return TargetPoller(name: name, orgSelection: orgs, requestCounter: counter, retryBudget: budget, logger: logger,
                            collectors: collectors) {
            AtlasClient(baseURL: baseURL, credentials: testCredentials, options: options, requestCounter: counter, retryBudget: budget)
        }
    }

    /// `TargetPoller` is used from one queue at a time; the tests hand it from queue to queue in sequence.
    public struct Handle: @unchecked Sendable {
        public let poller: TargetPoller
        public init(poller: TargetPoller) { self.poller = poller }
        public func poll() async throws -> (Bool, TargetState) {
            try await offPool { (poller.pollOnce(), poller.state) }
        }
    }
}

public typealias PollerHandle = TestTargets.Handle
