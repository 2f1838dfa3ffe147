import Foundation

/// The repository's root and its test fixtures (`Tests/Fixtures/`), found from this file's path.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public static func fixture(_ name: String) -> URL {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name)
    }

    /// A fixture's text; empty if it cannot be read (the test using it then fails on its content).
    public static func fixtureText(_ name: String) -> String {
        (try? String(contentsOf: fixture(name), encoding: .utf8)) ?? ""
    }
}
