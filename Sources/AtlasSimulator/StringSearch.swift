/// Substring search on the standard library, in place of Foundation's `contains(_:)` on strings. That one is visible
/// here through dependencies that import Foundation (swift-crypto), and a call to it links Foundation's ICU part
/// (its data alone is 32 MiB) into the binary (see docs/ARCHITECTURE.md, "Image"). These overloads are on `String` and `Substring`
/// themselves, so they are chosen over Foundation's (on `StringProtocol`) here and in the tests alike.
extension String {
    /// Whether `other` occurs in this string; never for an empty `other`, as Foundation answers.
    func contains<T: StringProtocol>(_ other: T) -> Bool {
        !other.isEmpty && firstRange(of: other) != nil
    }
}

extension Substring {
    /// Whether `other` occurs in this substring; never for an empty `other`, as Foundation answers.
    func contains<T: StringProtocol>(_ other: T) -> Bool {
        !other.isEmpty && firstRange(of: other) != nil
    }
}
