@testable import APIKeyExporter
import Logging
import TestSupport

/// One collection of `org` against `baseURL` by `collectors` in the order given, as the poller runs them for one
/// org: a collector that fails records its failure and the others go on; then each one's `orgFinished`. Off the
/// concurrency pool (the client blocks); logs go to `sink`. The org, and the first error.
func collectOnce(_ collectors: [any OrgCollector], _ org: OrgStatus, baseURL: String, sink: LogSink) async throws
    -> (OrgStatus, APIError?) {
    try await offPool { () -> (OrgStatus, APIError?) in
        let logger = Logger(label: "test") { _ in LineLogHandler(format: .logfmt, level: .debug, sink: sink) }
        var org = org
        let context = OrgCollectionContext(client: AtlasClient(baseURL: baseURL, credentials: testCredentials),
                                           targetName: "default", logger: logger, listedName: nil)
        var failure: APIError?
        for collector in collectors {
            do throws(APIError) {
                try collector.collect(&org, context: context)
            } catch {
                collector.recordFailure(error, in: &org, context: context)
                failure = failure ?? error
            }
        }
        for collector in collectors { collector.orgFinished(&org, context: context) }
        return (org, failure)
    }
}
