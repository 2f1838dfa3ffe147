import Crypto
import Foundation

/// Apache httpd with mod_auth_digest on a loopback port, serving fixture files: an HTTP Digest
/// implementation we did not write, to check ours against.
///
/// `@unchecked Sendable`: every stored property is set once in `init`; create it with `offPool`, since starting
/// it blocks.
public final class ApacheServer: @unchecked Sendable {
    public let port: Int
    public let root: URL
    private let process: Process

    public static let modules = "/usr/lib/apache2/modules"

    /// `files` maps request paths (e.g. `/api/atlas/v1.0/orgs/ID/apiKeys`) to bodies served as JSON; a path may
    /// be both a file and the parent of others (`/orgs` and `/orgs/ID/groups`), and query strings are ignored.
    /// `refusals` maps path prefixes to 401 or 403, answered after a correct Digest response: 401 with a fresh
    /// challenge (a user the section does not admit, as Ops Manager refuses a key without a global role), 403 as
    /// a resource the user may not read.
    ///
    /// `queryFiles` maps a path and one query parameter (`/api/.../serviceAccounts?includeSystemManaged=true`) to the
    /// body served when the request has that parameter, whatever else it has; `requiredAccept` maps path patterns
    /// (regular expressions) to the only `Accept` they answer, 406 otherwise (before authentication, as a
    /// server-level rule runs). Both with mod_rewrite, as an API with versioned media types would answer.
    public init(realm: String, users: [String: String], files: [String: String], refusals: [String: Int] = [:],
                queryFiles: [String: String] = [:], requiredAccept: [String: String] = [:]) throws {
        let binary = try which("apache2")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apache-\(UUID().uuidString)")
        // Apache drops to an unprivileged user when started as root: the tree must be world-readable.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("run"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        let docs = root.appendingPathComponent("htdocs")
        for (path, body) in files {
            // Each body is a file of its own under the path's folder (see `AliasMatch` in `config`).
            let file = docs.appendingPathComponent(String(path.dropFirst())).appendingPathComponent(Self.bodyFile)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            try Data(body.utf8).write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        }
        var rewrites = ""
        for (pattern, accept) in requiredAccept.sorted(by: { $0.key < $1.key }) {
            rewrites += "RewriteCond %{HTTP_ACCEPT} !^\(NSRegularExpression.escapedPattern(for: accept))$\n"
                + "RewriteRule \(pattern) - [R=406,L]\n"
        }
        for (key, body) in queryFiles.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "?", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let name = "q-" + String(parts[1].map { $0.isLetter || $0.isNumber ? $0 : "_" }) + ".json"
            let file = docs.appendingPathComponent(String(parts[0].dropFirst())).appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            try Data(body.utf8).write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
            rewrites += "RewriteCond %{QUERY_STRING} (^|&)\(NSRegularExpression.escapedPattern(for: parts[1]))(&|$)\n"
                + "RewriteRule ^\(NSRegularExpression.escapedPattern(for: parts[0]))$ \(file.path) [L]\n"
        }
        let digestLines = users.map { user, password in
            let hash = Insecure.MD5.hash(data: Data("\(user):\(realm):\(password)".utf8)).map { String(format: "%02x", $0) }.joined()
            return "\(user):\(realm):\(hash)\n"
        }.joined()
        let passwordFile = root.appendingPathComponent("htdigest")
        try Data(digestLines.utf8).write(to: passwordFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: passwordFile.path)

        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let config = Self.config(root: root, port: port, realm: realm, refusals: refusals, rewrites: rewrites)
            let configFile = root.appendingPathComponent("httpd.conf")
            try Data(config.utf8).write(to: configFile)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["-X", "-f", configFile.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if Self.waitUntilListening(port: port, process: process) {
                self.port = port
                self.root = root
                self.process = process
                return
            }
            process.terminate()
            process.waitUntilExit()
            lastError = ApacheDidNotStart(log: (try? String(contentsOf: root.appendingPathComponent("error.log"), encoding: .utf8)) ?? "")
        }
        throw lastError ?? ApacheDidNotStart(log: "")
    }

    public struct ApacheDidNotStart: Error {
        var log: String
    }

    public func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: root)
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Replaces the body served at `path` (a key of `files`); Apache reads it afresh for every request.
    public func replace(_ path: String, with body: String) throws {
        let file = root.appendingPathComponent("htdocs").appendingPathComponent(String(path.dropFirst()))
            .appendingPathComponent(Self.bodyFile)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        try Data(body.utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
    }

    public static let bodyFile = "body.json"

    private static func config(root: URL, port: Int, realm: String, refusals: [String: Int], rewrites: String) -> String {
        // Authorization fails for a user no section admits: Apache then answers 401 with a new challenge.
        let unauthorized = refusals.filter { $0.value == 401 }.keys.sorted().map { prefix in
            "<Location \"\(prefix)\">\n  Require user no-such-user-\(UUID().uuidString)\n</Location>\n"
        }.joined()
        // Per-directory rewriting runs after authentication: a 403 only once the Digest answer was right.
        let forbidden = refusals.filter { $0.value == 403 }.keys.sorted().map { prefix in
            "  RewriteCond %{REQUEST_URI} ^\(NSRegularExpression.escapedPattern(for: prefix))\n  RewriteRule ^ - [F]\n"
        }.joined()
        return """
        ServerRoot "\(root.path)"
        ServerName 127.0.0.1
        Listen 127.0.0.1:\(port)
        PidFile \(root.path)/httpd.pid
        ErrorLog \(root.path)/error.log
        DefaultRuntimeDir \(root.path)/run
        LoadModule mpm_event_module \(modules)/mod_mpm_event.so
        LoadModule authn_core_module \(modules)/mod_authn_core.so
        LoadModule authn_file_module \(modules)/mod_authn_file.so
        LoadModule authz_core_module \(modules)/mod_authz_core.so
        LoadModule authz_user_module \(modules)/mod_authz_user.so
        LoadModule auth_digest_module \(modules)/mod_auth_digest.so
        LoadModule alias_module \(modules)/mod_alias.so
        LoadModule rewrite_module \(modules)/mod_rewrite.so
        User nobody
        Group nogroup
        DocumentRoot "\(root.path)/htdocs"
        AliasMatch "^(/.+)$" "\(root.path)/htdocs$1/\(bodyFile)"
        RewriteEngine On
        \(rewrites)        <Directory />
          AllowOverride None
        </Directory>
        <Directory "\(root.path)/htdocs">
          AuthType Digest
          AuthName "\(realm)"
          AuthDigestProvider file
          AuthUserFile "\(root.path)/htdigest"
          AuthDigestQop auth
          Require valid-user
          ForceType application/json
          Options FollowSymLinks
          RewriteEngine On
        \(forbidden)</Directory>
        \(unauthorized)
        """
    }

    /// Polls the port for up to 30 s (bounded); false if Apache exited or never listened.
    private static func waitUntilListening(port: Int, process: Process) -> Bool {
        for _ in 0..<300 {
            guard process.isRunning else { return false }
            if let fd = connectLoopback(port: port) {
                close(fd)
                return true
            }
            usleep(100_000)
        }
        return false
    }
}
