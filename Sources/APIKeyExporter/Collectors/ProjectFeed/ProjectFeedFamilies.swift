/// The project feed's families.
enum ProjectFeedFamilies {
    static func all(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_project_security_events_total", type: .counter,
                         labels: ["target", "org_id", "project_id", "event_type"],
                         help: "Model API key and project service account secret events in the project's activity feed "
                             + "(AI_MODELS_APIS_API_KEY_*, GROUP_SERVICE_ACCOUNT_SECRETS_*), each counted once by id, "
                             + "every type from the project's first read, as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    guard let state = org.projectFeed else { return }
                    for (projectID, project) in state.projects.sortedByKey {
                        for (type, count) in project.counts.sortedByKey {
                            writer.counter(name, [("target", target), ("org_id", org.orgID), ("project_id", projectID),
                                                  ("event_type", type)], Double(count), created: state.countedSince)
                        }
                    }
                }
            },
            MetricFamily(name: "mongodb_ai_model_api_keys_transient_total", type: .counter, labels: ["target", "org_id"],
                         help: "Model API keys created and deleted between two listings, told per project from the "
                             + "project feed (creations no newly listed key explains, matched with deletions no key gone "
                             + "from the listing explains), as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    guard let state = org.projectFeed, let count = state.transientCount else { return }
                    writer.counter(name, [("target", target), ("org_id", org.orgID)], Double(count), created: state.countedSince)
                }
            },
        ]
    }
}
