#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON shapes of the Admin API, encoded with the field names the real API uses.
enum APIBody {
    struct Link: Encodable {
        var href: String
        var rel: String
    }

    struct Page<Element: Encodable>: Encodable {
        var links: [Link]
        var results: [Element]
        var totalCount: Int
    }

    struct Role: Encodable {
        var groupId: String?
        var orgId: String?
        var roleName: String
    }

    struct Key: Encodable {
        var desc: String
        var id: String
        var links: [Link]
        var privateKey: String
        var publicKey: String
        var roles: [Role]
    }

    struct Org: Encodable {
        var id: String
        var isDeleted: Bool
        var links: [Link]
        var name: String
    }

    struct Project: Encodable {
        var clusterCount: Int
        var created: String
        var id: String
        var links: [Link]
        var name: String
        var orgId: String
    }

    /// `UserAccessListResponse`: `count` and `lastUsedAddress` only once the entry was used.
    struct AccessEntry: Encodable {
        var cidrBlock: String
        var count: Int?
        var created: String
        var ipAddress: String?
        var lastUsed: String?
        var lastUsedAddress: String?
        var links: [Link]
    }

    struct Error: Encodable {
        var detail: String
        var error: Int
        var errorCode: String
        var parameters: [String]
        var reason: String
    }

    static func key(_ key: SimulatedKey, selfHref: String) -> Key {
        // Listings only ever show a redacted private key.
        let redacted = "********-****-****-" + String(key.id.suffix(12))
        return Key(
            desc: key.desc, id: key.id, links: [Link(href: selfHref, rel: "self")], privateKey: redacted,
            publicKey: key.publicKey,
            roles: key.roles.map { Role(groupId: $0.projectID, orgId: $0.orgID, roleName: $0.roleName) })
    }

    static func accessEntry(_ entry: SimulatedAccessEntry, selfHref: String) -> AccessEntry {
        let isBlock = entry.address.contains("/")
        let ip = isBlock ? nil : entry.address
        return AccessEntry(
            cidrBlock: isBlock ? entry.address : entry.address + "/32", count: entry.servedKeyCount,
            created: isoTime(entry.created), ipAddress: ip, lastUsed: entry.lastUsed.map(isoTime),
            lastUsedAddress: entry.servedLastUsedAddress, links: [Link(href: selfHref, rel: "self")])
    }

    /// `2019-01-24T16:34:57Z`, as the API writes times.
    static func isoTime(_ seconds: UInt32) -> String {
        Date(timeIntervalSince1970: Double(seconds)).formatted(.iso8601)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encode(_ value: some Encodable) -> Data {
        // Encoding these plain structs cannot fail.
        (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
