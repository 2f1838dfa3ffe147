/// `names`: the org's name and its projects' names, for dashboards to join onto the id labels. A failure keeps the
/// names already known and never affects the key counts.
final class NamesCollector: OrgCollector {
    static let name = "names"
    /// Asked after a good key listing only, so that a failing API is asked less.
    static let produces: Set<SeamProduct> = [.projectNames]
    static let needs: Set<SeamProduct> = [.keyInventory]
    static let statusColumns = ["Projects"]

    static func make(_ target: CollectorTarget) -> NamesCollector? {
        NamesCollector()
    }

    /// The projects listed; before a listing, the projects the keys have roles in.
    static func statusCells(_ org: OrgStatus) -> [StatusCell] {
        [StatusCell(count: org.projectNames.isEmpty ? org.lastGood?.aggregate.keysByProject.count : org.projectNames.count)]
    }

    /// Both lookups are tried; the first failure is thrown after both (each is logged where it happens).
    func collect(_ org: inout OrgStatus, context: OrgCollectionContext) throws(APIError) {
        var failure: APIError?
        if let listedName = context.listedName {
            org.orgName = listedName
        } else {
            do throws(APIError) {
                org.orgName = try context.client.organization(id: org.orgID).name
            } catch {
                failure = error
                context.logger.warning("organization name lookup failed", metadata: [
                    "target": "\(context.targetName)", "org_id": "\(org.orgID)", "err": "\(error)"])
            }
        }
        do throws(APIError) {
            let projects = try context.client.listProjects(orgID: org.orgID)
            org.projectNames = Dictionary(projects.map { ($0.id, $0.name ?? "") },
                                          uniquingKeysWith: { first, _ in first })
        } catch {
            failure = failure ?? error
            context.logger.warning("project listing failed; keeping the project names already known", metadata: [
                "target": "\(context.targetName)", "org_id": "\(org.orgID)", "err": "\(error)"])
        }
        if let failure { throw failure }
    }

    /// Already logged in `collect`; the names already known stay.
    func recordFailure(_ error: APIError, in org: inout OrgStatus, context: OrgCollectionContext) {}

    static func families(_ scope: RenderScope, options: InventoryRenderer.Options) -> [MetricFamily] {
        NameFamilies.all(scope)
    }
}
