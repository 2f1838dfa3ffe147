/// How the polls went: success per org, freshness, duration, discovery and API request counts.
enum HealthFamilies {
    static func all(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_api_keys_poll_success", type: .gauge, labels: ["target", "org_id"],
                         help: "1 if the last poll of the organization's keys succeeded, 0 if it failed and its key "
                             + "metrics are stale (as of the last poll).") { writer, name in
                scope.eachOrg { target, org in
                    writer.sample(name, [("target", target), ("org_id", org.orgID)],
                                  org.lastPollSucceeded ? 1 : 0)
                }
            },
            MetricFamily(name: "mongodb_api_keys_poll_errors_total", type: .counter, labels: ["target", "org_id", "reason"],
                         help: "Failed polls of the organization's keys by reason (auth, decode, http_3xx, http_4xx, http_5xx, "
                             + "inconsistent, rate_limited, timeout, too_large, transport), as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    for (reason, count) in org.errorCounts.sortedByKey {
                        writer.counter(name,
                                       [("target", target), ("org_id", org.orgID), ("reason", reason)], Double(count),
                                       created: org.trackedSince)
                    }
                }
            },
            MetricFamily(name: "mongodb_api_keys_listing_count_mismatch_total", type: .counter, labels: ["target", "org_id"],
                         help: "Key listings accepted although their length differed from totalCount (an estimate), "
                             + "because a second read listed the same keys, as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    writer.counter(name, [("target", target), ("org_id", org.orgID)],
                                   Double(org.countMismatches), created: org.trackedSince)
                }
            },
            MetricFamily(name: "mongodb_api_keys_api_rate_limit_remaining", type: .gauge, labels: ["target"],
                         help: "The last RateLimit-Remaining header the Admin API sent, as of the last poll.") { writer, name in
                for target in scope.targets {
                    if let remaining = target.rateLimitRemaining {
                        writer.sample(name, [("target", target.name)], Double(remaining))
                    }
                }
            },
            MetricFamily(name: "mongodb_api_keys_rate_limit_wait_seconds_total", type: .counter, labels: ["target"],
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
            MetricFamily(name: "mongodb_api_keys_last_success_timestamp_seconds", type: .gauge, labels: ["target", "org_id"],
                         help: "Unix time of the last successful poll of the organization's keys, as of the last poll.") { writer, name in
                scope.eachSnapshot { target, org, snapshot in
                    writer.sample(name,
                                  [("target", target), ("org_id", org.orgID)], snapshot.completedAt)
                }
            },
            MetricFamily(name: "mongodb_api_keys_org_discovery_success", type: .gauge, labels: ["target"],
                         help: "1 if GET /orgs succeeded in the last poll, 0 if it failed (only when org ids are not "
                             + "configured).") { writer, name in
                for target in scope.targets {
                    if let succeeded = target.discoverySucceeded {
                        writer.sample(name, [("target", target.name)], succeeded ? 1 : 0)
                    }
                }
            },
            MetricFamily(name: "mongodb_api_keys_shard_orgs", type: .gauge, labels: ["target"],
                         help: "Organizations of the target this replica polls (its shard of them), as of the last poll.") { writer, name in
                for target in scope.targets where target.completedCycles > 0 {
                    writer.sample(name, [("target", target.name)], Double(target.orgs.count))
                }
            },
            MetricFamily(name: "mongodb_api_keys_poll_duration_seconds", type: .gauge, labels: ["target"],
                         help: "Wall time of the target's last completed poll cycle, in seconds, as of the last poll.") { writer, name in
                for target in scope.targets {
                    if let duration = target.lastCycleDuration {
                        writer.sample(name, [("target", target.name)], duration)
                    }
                }
            },
            MetricFamily(name: "mongodb_api_keys_api_requests_total", type: .counter, labels: ["target", "code"],
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
