/// How each collector went, per target and org, like mysqld_exporter's per-scraper success: a failed collector is
/// data, never a missing page. The seam keeps these for every collector alike (`CollectorHealth`).
enum CollectorFamilies {
    static func all(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_apikey_exporter_collector_success", type: .gauge,
                         labels: ["target", "collector", "org_id"],
                         help: "1 if the collector's last run for the organization succeeded (org_id empty for a collector "
                             + "that runs once per target), 0 if it failed and its metrics are stale (a collector that "
                             + "could not run because one it depends on failed counts as failed), as of the last poll.") { writer, name in
                scope.eachCollectorHealth { target, collector, orgID, health in
                    guard let outcome = health.lastOutcome else { return }
                    writer.sample(name, [("target", target), ("collector", collector), ("org_id", orgID)],
                                  outcome.succeeded ? 1 : 0)
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_collector_errors_total", type: .counter,
                         labels: ["target", "collector", "org_id", "reason"],
                         help: "Failed runs of the collector for the organization by reason (auth, decode, http_3xx, "
                             + "http_4xx, http_5xx, inconsistent, rate_limited, timeout, too_large, transport), as of the "
                             + "last poll.") { writer, name in
                scope.eachCollectorHealth { target, collector, orgID, health in
                    for (reason, count) in health.errorCounts.sortedByKey {
                        writer.counter(name, [("target", target), ("collector", collector), ("org_id", orgID),
                                              ("reason", reason)], Double(count), created: health.since)
                    }
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_collector_last_success_timestamp_seconds", type: .gauge,
                         labels: ["target", "collector", "org_id"],
                         help: "Unix time the collector's last successful run for the organization ended (since this "
                             + "process started), as of the last poll.") { writer, name in
                scope.eachCollectorHealth { target, collector, orgID, health in
                    guard let at = health.lastSuccessAt else { return }
                    writer.sample(name, [("target", target), ("collector", collector), ("org_id", orgID)], at)
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_listing_count_mismatch_total", type: .counter,
                         labels: ["target", "collector", "org_id"],
                         help: "Listings the collector accepted although their length differed from totalCount (an "
                             + "estimate), because a second read listed the same items, as of the last poll.") { writer, name in
                scope.eachCollectorHealth { target, collector, orgID, health in
                    writer.counter(name, [("target", target), ("collector", collector), ("org_id", orgID)],
                                   Double(health.listingCountMismatches), created: health.since)
                }
            },
            MetricFamily(name: "mongodb_apikey_exporter_collector_duration_seconds", type: .gauge, labels: ["target", "collector"],
                         help: "Seconds the collector spent over all organizations of the target in the last cycle "
                             + "(summed over organizations polled in parallel), as of the last poll.") { writer, name in
                for target in scope.targets {
                    for (collector, outcome) in target.collectorOutcomes.sortedByKey {
                        writer.sample(name,
                                      [("target", target.name), ("collector", collector)], outcome.seconds)
                    }
                }
            },
        ]
    }
}
