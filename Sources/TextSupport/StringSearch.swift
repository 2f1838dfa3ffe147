/// Substring search on the standard library, in place of Foundation's `contains(_:)` on strings. That one is visible
/// through dependencies that import Foundation (swift-crypto), and a call to it links Foundation's ICU part (its data
/// alone is 32 MiB) into the binary (see docs/ARCHITECTURE.md, "Image"). These overloads are on `String` and
/// `Substring` themselves, so they are chosen over Foundation's (on `StringProtocol`) in every module that imports
/// this one: the exporter's and the simulator's, which `--demo` links into the same binary.
extension String {
    /// Whether `other` occurs in this string; never for an empty `other`, as Foundation answers.
    package func contains<T: StringProtocol>(_ other: T) -> Bool {
        !other.isEmpty && firstRange(of: other) != nil
    }
}

extension Substring {
    /// Whether `other` occurs in this substring; never for an empty `other`, as Foundation answers.
    package func contains<T: StringProtocol>(_ other: T) -> Bool {
        !other.isEmpty && firstRange(of: other) != nil
    }
}
