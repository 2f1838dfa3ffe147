import APIKeyExporter
import AtlasSimulator
import Foundation

/// Inventories the tests share: four hand-counted keys, and the documentation's example listing (a fixture file).
public enum SampleKeys {
    public static let projectA = "5898b95f87d9d6270e8995d9"
    public static let projectB = "5898b95f87d9d6270e8995da"

    /// Four keys, counted by hand below.
    public static let keys = [
        // Org owner, owner and reader in A (the reader role listed twice, as a sloppy API might).
        APIKey(id: "5c47503320eef5699e1cce8d", publicKey: "aaaa", desc: "one", roles: [
            RoleAssignment(scope: .organization, roleName: "ORG_OWNER"),
            RoleAssignment(scope: .project(projectA), roleName: "GROUP_OWNER"),
            RoleAssignment(scope: .project(projectA), roleName: "GROUP_READ_ONLY"),
            RoleAssignment(scope: .project(projectA), roleName: "GROUP_READ_ONLY"),
        ]),
        // Member, reader in A and B.
        APIKey(id: "5c47503320eef5699e1cce8e", publicKey: "bbbb", desc: "two", roles: [
            RoleAssignment(scope: .organization, roleName: "ORG_MEMBER"),
            RoleAssignment(scope: .project(projectA), roleName: "GROUP_READ_ONLY"),
            RoleAssignment(scope: .project(projectB), roleName: "GROUP_READ_ONLY"),
        ]),
        // Two org roles, one of them unknown to us; no project.
        APIKey(id: "5c47503320eef5699e1cce8f", publicKey: "cccc", desc: "three", roles: [
            RoleAssignment(scope: .organization, roleName: "ORG_MEMBER"),
            RoleAssignment(scope: .organization, roleName: "ORG_FUTURE_ROLE"),
        ]),
        // No roles at all.
        APIKey(id: "5c47503320eef5699e1cce90", publicKey: "dddd", desc: "four", roles: []),
    ]

    /// The response body of the "Get All Organization API Keys" documentation page.
    public static let documentationListing = Repository.fixtureText("key-listing.json")
}

/// Damaged copies of the documentation's listing, for the decoders.
public enum PageMutator {
    /// `count` copies of the documentation's listing, each damaged by 1 to 8 random edits (a byte changed, removed
    /// or inserted from JSON's alphabet, or the rest cut off). Seeded: the same pages every run.
    public static func mutatedPages(count: Int, seed: UInt64) -> [[UInt8]] {
        let listing = Array(SampleKeys.documentationListing.utf8)
        var random = SeededGenerator(seed: seed)
        let alphabet = Array("{}[]\":,0123456789-eE.truefalsnl \\u\n".utf8)
        return (0..<count).map { _ in
            var bytes = listing
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                guard !bytes.isEmpty else { break }
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(alphabet.randomElement(using: &random) ?? UInt8(ascii: "x"), at: index)
                default: bytes.removeSubrange(index...)
                }
            }
            return bytes
        }
    }
}
