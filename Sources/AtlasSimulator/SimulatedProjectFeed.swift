#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird

/// A change to an org's model API keys, recorded in the key's project feed as Atlas does
/// (`AI_MODELS_APIS_API_KEY_CREATED` / `_DELETED` / `_UPDATED`; the events name who acted, never the key).
public enum SimulatedAIModelKeyChange: Sendable, Equatable {
    case create(SimulatedAIModelKey)
    case delete(id: String)
    case rename(id: String, name: String)
    case setStatus(id: String, status: String)

    var eventType: String {
        switch self {
        case .create: "AI_MODELS_APIS_API_KEY_CREATED"
        case .delete: "AI_MODELS_APIS_API_KEY_DELETED"
        case .rename, .setStatus: "AI_MODELS_APIS_API_KEY_UPDATED"
        }
    }

    /// Makes the change in `org`; the key's project, or nil (and no change) for an unknown key or a taken id.
    func apply(to org: inout SimulatedOrg) -> String? {
        if case .create(let key) = self {
            guard !org.aiModelKeys.contains(where: { $0.id == key.id }) else { return nil }
            org.aiModelKeys.append(key)
            return key.projectID
        }
        let id: String
        switch self {
        case .create: return nil
        case .delete(let key), .rename(let key, _), .setStatus(let key, _): id = key
        }
        guard let index = org.aiModelKeys.firstIndex(where: { $0.id == id }) else { return nil }
        let projectID = org.aiModelKeys[index].projectID
        switch self {
        case .delete: org.aiModelKeys.remove(at: index)
        case .rename(_, let name): org.aiModelKeys[index].name = name
        case .setStatus(_, let status): org.aiModelKeys[index].status = status
        case .create: break
        }
        return projectID
    }
}

extension AtlasSimulator {
    /// Changes a model key of the org and records its event in the key's project feed, atomically. Nil if the org
    /// or key is unknown (or a created id is taken).
    @discardableResult
    public func changeAIModelKey(orgID: String, _ change: SimulatedAIModelKeyChange, actor: SimulatedActor,
                                 address: String = "203.0.113.9", at milliseconds: UInt64? = nil) -> SimulatedEvent? {
        changeAIModelKeys(orgID: orgID, [change], actor: actor, address: address, at: milliseconds).first
    }

    /// Several changes in one step, so that no listing sees the state between them (a key created and deleted here
    /// is one no listing can show). Stops at the first change that does not apply; the events of those that did.
    @discardableResult
    public func changeAIModelKeys(orgID: String, _ changes: [SimulatedAIModelKeyChange], actor: SimulatedActor,
                                  address: String = "203.0.113.9", at milliseconds: UInt64? = nil) -> [SimulatedEvent] {
        let time = milliseconds ?? eventClock()
        return withState { state in
            guard let orgIndex = state.inventory.orgIndex(orgID) else { return [] }
            var events: [SimulatedEvent] = []
            for change in changes {
                guard let projectID = change.apply(to: &state.inventory.orgs[orgIndex]) else { break }
                state.generation += 1
                events.append(state.projectEvents.append(orgID: projectID, type: change.eventType, actor: actor,
                                                         address: address, targetPublicKey: nil, groupID: projectID, at: time))
            }
            return events
        }
    }

    /// Records an event in a project's feed without changing the inventory (e.g. `GROUP_SERVICE_ACCOUNT_SECRETS_*`).
    @discardableResult
    public func recordProjectEvent(projectID: String, type: String, actor: SimulatedActor = .system,
                                   address: String = "", at milliseconds: UInt64? = nil) -> SimulatedEvent {
        let time = milliseconds ?? eventClock()
        return withState {
            $0.projectEvents.append(orgID: projectID, type: type, actor: actor, address: address, targetPublicKey: nil,
                                    groupID: projectID, at: time)
        }
    }

    /// The project's recorded events, oldest first.
    public func projectEvents(projectID: String) -> [SimulatedEvent] {
        withState { $0.projectEvents.events(orgID: projectID) }
    }

    /// `GET /groups/{groupId}/events`: newest first, paginated, with `minDate`, `maxDate` and repeatable `eventType`
    /// as the org feed has them (see `listEvents`).
    func listProjectEvents(_ request: Request, prefix: String, projectID: String) -> Response {
        let faults = self.faults
        if faults.refuseEvents || faults.refusedProjectFeeds.contains(projectID)
            || faults.usersWithoutEventAccess.contains(Self.digestUsername(request) ?? "") {
            return error(403, "USER_UNAUTHORIZED", "Current user is not authorized to perform this action.")
        }
        guard let orgID = inventory.project(projectID)?.org.id else {
            return error(404, "GROUP_NOT_FOUND", "No group with ID \(projectID) exists.", parameters: [projectID])
        }
        // Served with the org id of the project they belong to.
        let served = projectEvents(projectID: projectID).map { event in
            var served = event
            served.orgID = orgID
            return served
        }
        return eventListing(request, prefix: prefix, path: "/groups/\(projectID)/events", events: served)
    }
}
