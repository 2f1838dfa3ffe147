import Foundation

/// Appends a string to every free-text field of a JSON body (`SimulatorFaults.textSuffix`).
enum TextPoisoning {
    /// The fields a person types or the API copies from a request: never ids, roles or times.
    static let textFields: Set<String> = [
        "name", "desc", "description", "lastUsedAddress", "username", "remoteAddress", "groupName", "orgName",
        "securityContact", "mcpConfigName",
    ]

    static func appending(_ suffix: String, toTextIn data: Data) -> Data {
        guard let json = try? JSONSerialization.jsonObject(with: data),
              let poisoned = try? JSONSerialization.data(withJSONObject: walk(json, suffix: suffix, key: nil),
                                                         options: [.sortedKeys, .withoutEscapingSlashes])
        else { return data }
        return poisoned
    }

    private static func walk(_ value: Any, suffix: String, key: String?) -> Any {
        switch value {
        case let object as [String: Any]:
            return Dictionary(uniqueKeysWithValues: object.map { ($0.key, walk($0.value, suffix: suffix, key: $0.key)) })
        case let array as [Any]:
            return array.map { walk($0, suffix: suffix, key: key) }
        case let text as String:
            return key.map(textFields.contains) == true ? text + " " + suffix : text
        default:
            return value
        }
    }
}
