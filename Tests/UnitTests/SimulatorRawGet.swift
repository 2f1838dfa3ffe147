import APIKeyExporter
import AtlasSimulator
import Foundation
import TestSupport
import Testing

/// Raw GETs against a running simulator over a real socket, with Digest computed by hand: an unauthenticated
/// request for the challenge, then the signed one. The answer comes back as text, for `JSONSerialization`.
enum SimulatorRawGet {
    static let serviceAccountType = "application/vnd.atlas.2024-08-05+json"
    static let keyType = "application/vnd.atlas.2023-01-01+json"

    struct Answer: Sendable {
        var status: Int
        var contentType: String?
        var body: String

        /// The body as a JSON object.
        func object() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not a JSON object: \(body)")
        }

        /// `results` of a listing.
        func results() throws -> [[String: Any]] {
            try #require(try object()["results"] as? [[String: Any]])
        }

        /// The `href` of the link with this `rel`, if any.
        func link(_ rel: String) throws -> String? {
            let links = try #require(try object()["links"] as? [[String: Any]])
            return links.first { $0["rel"] as? String == rel }?["href"] as? String
        }
    }

    /// GET `target` (path and query, or a whole URL the simulator wrote in a link) with `accept` (nil: libcurl's
    /// default `*/*`).
    static func get(_ running: RunningSimulator, _ target: String, accept: String? = serviceAccountType) async throws -> Answer {
        let origin = "http://\(running.host):\(running.port)"
        let path = target.hasPrefix(origin) ? String(target.dropFirst(origin.count)) : target
        let challenge = try await httpGet(origin + path)
        #expect(challenge.status == 401)
        let nonce = try SimulatorTests.nonce(of: try #require(challenge.headers["www-authenticate"]))
        var headers = ["Authorization: " + SimulatorTests.authorization(nonce: nonce, uri: path, nc: "00000001")]
        if let accept { headers.append("Accept: \(accept)") }
        let response = try await httpGet(origin + path, headers: headers)
        return Answer(status: response.status, contentType: response.headers["content-type"],
                      body: String(decoding: response.body, as: UTF8.self))
    }

    /// `2027-01-15T08:00:00Z`, written by Foundation's own formatter (not the simulator's), with `.mmm` if given.
    static func iso(_ seconds: UInt32, milliseconds: String? = nil) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let whole = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
        guard let milliseconds else { return whole }
        return whole.dropLast() + "." + milliseconds + "Z"
    }
}
