/// What the activity feed shows: key and service account events by type, keys that lived less than a poll interval,
/// and whether the feed could be read.
enum ActivityFeedFamilies {
    static func all(_ scope: RenderScope) -> [MetricFamily] {
        [
            countsByType("mongodb_api_key_events_total", \.eventCounts, scope,
                         help: "API key events read from the organization's activity feed since start, by type, as of the "
                             + "last poll."),
            countsByType("mongodb_service_account_events_total", \.serviceAccountEventCounts, scope,
                         help: "Service account events read from the organization's activity feed since start, by type, "
                             + "as of the last poll."),
            countsByType("mongodb_org_security_events_total", \.orgSecurityEventCounts, scope,
                         help: "Organization events that change how API access is guarded (access list or employee "
                             + "access required, UI access list, service account secret validity and expiry) read from "
                             + "the activity feed since start, by type, as of the last poll."),
            countsByType("mongodb_org_oauth_events_total", \.oauthEventCounts, scope,
                         help: "OAuth audit events (OAuth clients such as remote MCP agents, their secrets, "
                             + "authorizations, tokens and user consents) read from the organization's activity feed "
                             + "since start, by type, as of the last poll."),
            MetricFamily(name: "mongodb_api_keys_transient_total", type: .counter, labels: ["target", "org_id"],
                         help: "API keys created and deleted between two successful listings (seen in the activity feed, "
                             + "never in a listing), as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    guard let state = org.activityFeed, state.eventCounts != nil else { return }
                    writer.counter(name, [("target", target), ("org_id", org.orgID)], Double(state.transientCount),
                                   created: state.countedSince)
                }
            },
        ]
    }

    /// One counter per event type an org's feed has counted (nothing before its first successful read).
    private static func countsByType(_ name: String, _ counts: KeyPath<ActivityFeedState, [String: Int]?>, _ scope: RenderScope,
                                     help: String) -> MetricFamily {
        MetricFamily(name: name, type: .counter, labels: ["target", "org_id", "event_type"], help: help) { writer, name in
            scope.eachOrg { target, org in
                guard let state = org.activityFeed, let counts = state[keyPath: counts] else { return }
                for (type, count) in counts.sortedByKey {
                    writer.counter(name, [("target", target), ("org_id", org.orgID), ("event_type", type)], Double(count),
                                   created: state.countedSince)
                }
            }
        }
    }
}
