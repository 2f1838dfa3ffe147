#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Lists one org's keys and works out what changed since its last good snapshot.
///
/// A role change seen in the listing is confirmed with `GET /orgs/{ORG-ID}/apiKeys/{API-KEY-ID}` before it counts,
/// since a listing can be a moment stale: the single key's answer replaces the listed one, and a 404 means the key
/// is gone. Any other failure fails the whole org poll, so nothing is counted from a half-checked listing.
struct KeyListing {
    let client: AtlasClient
    let targetName: String
    let logger: Logger

    struct Outcome {
        var snapshot: OrgSnapshot
        /// Empty on the first successful poll: that listing is the baseline.
        var changes: [KeyChange]
        /// 1 when the listing's length differed from `totalCount` and a second read confirmed it.
        var countMismatches: Int
    }

    func run(orgID: String, previous: OrgSnapshot?) throws(APIError) -> Outcome {
        var countMismatches = 0
        var keys = try client.listAPIKeyTable(orgID: orgID, countMismatches: &countMismatches)
        if countMismatches > 0 {
            logger.warning("key listing differs from its totalCount (an estimate); a second read agreed, so it is accepted",
                           metadata: ["target": "\(targetName)", "org_id": "\(orgID)", "keys": "\(keys.count)"])
        }
        var changes: [KeyChange] = []
        if let previous {
            changes = InventoryDiff.changes(from: previous.keys, to: keys)
            let unconfirmed = changes.filter { $0.kind == .rolesChanged }.map(\.keyID)
            if !unconfirmed.isEmpty {
                keys = try confirm(Set(unconfirmed), in: keys, orgID: orgID)
                changes = InventoryDiff.changes(from: previous.keys, to: keys)
            }
        }
        logInvalidIDs(keys, orgID: orgID)
        let snapshot = OrgSnapshot(orgID: orgID, keys: keys, completedAt: Date().timeIntervalSince1970)
        // Logged once every collector has run for the org (`KeysCollector.orgFinished`), so that a change can name
        // who made it: the activity feed is read after the listing.
        return Outcome(snapshot: snapshot, changes: changes, countMismatches: countMismatches)
    }

    /// The listing with each key in `keyIDs` replaced by its own answer, or left out when that is a 404. Rare (a
    /// role change), so the listing is built as `APIKey`s here.
    private func confirm(_ keyIDs: Set<String>, in keys: KeyTable, orgID: String) throws(APIError) -> KeyTable {
        var confirmed: [APIKey] = []
        confirmed.reserveCapacity(keys.count)
        for key in keys {
            guard keyIDs.contains(key.id) else {
                confirmed.append(key)
                continue
            }
            do throws(APIError) {
                confirmed.append(try client.apiKey(orgID: orgID, keyID: key.id))
            } catch .http(404, _, _) {
                logger.debug("listed key is gone on confirmation", metadata: ["org_id": "\(orgID)", "key_id": "\(key.id)"])
            }
        }
        return KeyTable(confirmed)
    }

    private func logInvalidIDs(_ keys: KeyTable, orgID: String) {
        guard logger.logLevel <= .debug else { return }
        keys.forEach { key in
            guard ObjectIDTimestamp.seconds(key.id) == nil else { return }
            logger.debug("key id is not an ObjectId; no creation time for it",
                         metadata: ["org_id": "\(orgID)", "key_id": "\(String(decoding: key.id, as: UTF8.self))"])
        }
    }

    /// One info line per change, with roles before and after, and, when the activity feed has the matching event,
    /// who made the change, from which address and when. A key's private key is never decoded, so it cannot be logged.
    static func logChange(_ change: KeyChange, orgID: String, targetName: String, logger: Logger, actor: ChangeActor?,
                          owners: [(String, String)] = []) {
        let key = change.after ?? change.before
        var metadata: Logger.Metadata = [
            "target": "\(targetName)",
            "org_id": "\(orgID)",
            "change": "\(change.kind.rawValue)",
            "key_id": "\(change.keyID)",
            "public_key": "\(key?.publicKey ?? "")",
            "description": "\(key?.desc ?? "")",
            "description_before": "\(change.before?.desc ?? "")",
            "roles_before": "\(Self.format(change.before?.roles))",
            "roles_after": "\(Self.format(change.after?.roles))",
        ]
        if let actor {
            metadata["actor"] = "\(actor.actor)"
            metadata["remote_address"] = "\(actor.remoteAddress)"
            metadata["event_time"] = "\(actor.time.map(ISOTime.format) ?? "")"
            if let delegate = actor.delegatePrincipal { metadata["delegate_principal"] = "\(delegate)" }
        }
        for (label, value) in owners where metadata[label] == nil { metadata[label] = "\(value)" }
        logger.info("api key change", metadata: metadata)
    }

    /// `ORG_OWNER,GROUP_OWNER@<project id>`, sorted; empty for no key.
    static func format(_ roles: [RoleAssignment]?) -> String {
        guard let roles else { return "" }
        return Set(roles).sorted().map { role in
            switch role.scope {
            case .organization: role.roleName
            case .project(let projectID): "\(role.roleName)@\(projectID)"
            }
        }.joined(separator: ",")
    }
}
