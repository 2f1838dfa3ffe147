/// How each collector went, per target, like mysqld_exporter's per-scraper success: a failed collector is data,
/// never a missing page.
enum CollectorFamilies {
    static func all(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_apikey_exporter_collector_success", type: .gauge, labels: ["target", "collector"],
                         help: "1 if every organization's run of the collector succeeded in the last cycle (a collector "
                             + "that could not run because one it depends on failed counts as failed), as of the last "
                             + "poll.") { writer, name in
                for target in scope.targets {
                    for (collector, outcome) in target.collectorOutcomes.sortedByKey {
                        writer.sample(name,
                                      [("target", target.name), ("collector", collector)], outcome.succeeded ? 1 : 0)
                    }
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
