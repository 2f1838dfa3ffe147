/// Organization and project names, exported once each so dashboards can join them onto the id labels.
enum NameFamilies {
    static func all(_ scope: RenderScope) -> [MetricFamily] {
        [
            MetricFamily(name: "mongodb_org_info", type: .gauge, labels: ["target", "org_id", "org_name"],
                         help: "A metric with a constant 1 per organization, labeled with its name, as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    guard let orgName = org.orgName else { return }
                    writer.sample(name, [("target", target), ("org_id", org.orgID), ("org_name", orgName)], 1)
                }
            },
            MetricFamily(name: "mongodb_project_info", type: .gauge, labels: ["target", "org_id", "project_id", "project_name"],
                         help: "A metric with a constant 1 per project of the organization, labeled with its name, "
                             + "as of the last poll.") { writer, name in
                scope.eachOrg { target, org in
                    for (projectID, projectName) in org.projectNames.sortedByKey {
                        writer.sample(name,
                                      [("target", target), ("org_id", org.orgID), ("project_id", projectID),
                                       ("project_name", projectName)], 1)
                    }
                }
            },
        ]
    }
}
