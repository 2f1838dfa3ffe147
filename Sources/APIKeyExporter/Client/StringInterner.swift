import Foundation
import Synchronization

/// Hands out one shared copy of each string it is given, so that the project ids and role names repeated in every
/// key of a listing share storage instead of costing an allocation per role entry.
///
/// A 100,000-key inventory repeats a few hundred project ids and role names several hundred thousand times;
/// interned while each page is decoded, a copy lives only until the next role entry. The table is bounded: it
/// starts over when it holds `capacity` strings, which only costs sharing, never correctness.
final class StringInterner: Sendable {
    static let userInfoKey = CodingUserInfoKey(rawValue: "mongodb_apikey_exporter.StringInterner")!

    private let table = Mutex<[String: String]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func intern(_ string: String) -> String {
        table.withLock { table in
            if let shared = table[string] { return shared }
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[string] = string
            return string
        }
    }

    var count: Int { table.withLock { $0.count } }
}

extension Decoder {
    /// The decoding's interner (set by `AtlasClient`), or the string as it is.
    func interned(_ string: String) -> String {
        (userInfo[StringInterner.userInfoKey] as? StringInterner)?.intern(string) ?? string
    }
}
