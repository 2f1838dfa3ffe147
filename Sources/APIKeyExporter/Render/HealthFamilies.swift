/// How the target's polls went: duration, discovery, API requests and rate limits, state writes (each collector's
/// own success and errors are in `CollectorFamilies`).
enum HealthFamilies {
    static func all(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_apikey_exporter_api_rate_limit_remaining", type: .gauge, labels: ["target"],
                         help: "The last RateLimit-Remaining header the Admin API sent, as of the last poll.") { writer, name in
                for target in scope.targets {
                    if let remaining = target.rateLimitRemaining {
                        writer.sample(name, [("target", target.name)], Double(remaining))
                    }
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_api_rate_limit_wait_seconds_total", type: .counter, labels: ["target"],
                         help: "Seconds requests to the Admin API were held back by the credential's rate limit (after a "
                             + "429, or a spent RateLimit-Remaining window), summed over requests, as of the last poll.") { writer, name in
                for target in scope.targets where target.completedCycles > 0 {
                    writer.counter(name, [("target", target.name)],
                                   target.rateLimitWaitSeconds, created: target.startedAt)
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_state_write_errors_total", type: .counter, labels: ["target"],
                         help: "Failed writes of the target's state file (--storage.path) since start; the poll goes on "
                             + "and the next cycle writes again. As of the last poll.") { writer, name in
                for target in scope.targets where target.completedCycles > 0 {
                    guard let errors = target.stateWriteErrors else { continue }
                    writer.counter(name, [("target", target.name)], Double(errors), created: target.startedAt)
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_org_discovery_success", type: .gauge, labels: ["target"],
                         help: "1 if GET /orgs succeeded in the last poll, 0 if it failed (only when org ids are not "
                             + "configured).") { writer, name in
                for target in scope.targets {
                    if let succeeded = target.discoverySucceeded {
                        writer.sample(name, [("target", target.name)], succeeded ? 1 : 0)
                    }
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_shard_orgs", type: .gauge, labels: ["target"],
                         help: "Organizations of the target this replica polls (its shard of them), as of the last poll.") { writer, name in
                for target in scope.targets where target.completedCycles > 0 {
                    writer.sample(name, [("target", target.name)], Double(target.orgs.count))
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_poll_duration_seconds", type: .gauge, labels: ["target"],
                         help: "Wall time of the target's last completed poll cycle, in seconds, as of the last poll.") { writer, name in
                for target in scope.targets {
                    if let duration = target.lastCycleDuration {
                        writer.sample(name, [("target", target.name)], duration)
                    }
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_api_requests_total", type: .counter, labels: ["target", "code"],
                         help: "HTTP exchanges with the Admin API by status code (error: no answer), as of the last poll. "
                             + "Digest challenges count as 401.") { writer, name in
                for target in scope.targets {
                    for (code, count) in target.requestsByCode.sortedByKey {
                        writer.counter(name, [("target", target.name), ("code", code)],
                                       Double(count), created: target.startedAt)
                    }
                }
            },
        ]
    }
}
