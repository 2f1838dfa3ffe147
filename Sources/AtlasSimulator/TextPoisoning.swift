#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Appends a string to every free-text field of a JSON body (`SimulatorFaults.textSuffix`).
enum TextPoisoning {
    /// The fields a person types or the API copies from a request: never ids, roles or times.
    static let textFields: Set<String> = [
        "name", "desc", "description", "lastUsedAddress", "username", "remoteAddress", "groupName", "orgName",
        "securityContact", "mcpConfigName",
    ]

    static func appending(_ suffix: String, toTextIn data: Data) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: data),
              let poisoned = try? encoder.encode(walk(json, suffix: suffix, key: nil))
        else { return data }
        return poisoned
    }

    private static func walk(_ value: JSONValue, suffix: String, key: String?) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(Dictionary(uniqueKeysWithValues: object.map { ($0.key, walk($0.value, suffix: suffix, key: $0.key)) }))
        case .array(let array):
            return .array(array.map { walk($0, suffix: suffix, key: key) })
        case .string(let text):
            return key.map(textFields.contains) == true ? .string(text + " " + suffix) : value
        default:
            return value
        }
    }

    /// Any JSON value, read and written with FoundationEssentials' coders (JSONSerialization is Foundation's own).
    private enum JSONValue: Codable {
        case null, bool(Bool), integer(Int64), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Int64.self) { self = .integer(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
            else { self = .object(try container.decode([String: JSONValue].self)) }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .array(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            }
        }
    }
}
