/// A project (group) from `GET /orgs/{ORG-ID}/groups`.
public struct Project: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String?

    public init(id: String, name: String?) {
        self.id = id
        self.name = name
    }
}
