/// The OAuth audit event types of an organization's feed (MongoDB's v2 spec, `EventTypeForOrg`, "OAuth Audit
/// Types"): OAuth clients (such as remote MCP configurations' agents) registered, their secrets, authorizations,
/// tokens and user consents. Each is exported at 0 from the first successful read; other `OAUTH_*` types are not read.
enum OAuthEventType {
    static let all: Set<String> = [
        "OAUTH_CLIENT_CREATED", "OAUTH_CLIENT_UPDATED", "OAUTH_CLIENT_DELETED", "OAUTH_CLIENT_SECRET_CREATED",
        "OAUTH_CLIENT_SECRET_DELETED", "OAUTH_AUTHORIZATION_GRANTED", "OAUTH_AUTHORIZATION_DENIED", "OAUTH_TOKEN_ISSUED",
        "OAUTH_TOKEN_REVOKED", "OAUTH_USER_CONSENT_GRANTED", "OAUTH_USER_CONSENT_REVOKED",
    ]
}
