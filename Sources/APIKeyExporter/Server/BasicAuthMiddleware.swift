import Foundation
import Hummingbird

/// HTTP basic auth for every endpoint, as exporter-toolkit does it: a missing or wrong user or password gets 401
/// with `WWW-Authenticate: Basic`.
struct BasicAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let verifier: BcryptVerifier

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let (user, password) = Self.credentials(request.headers[.authorization]),
           await verifier.verify(user: user, password: password) {
            return try await next(request, context)
        }
        return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"mongodb_apikey_exporter\"",
                                                         .contentType: "text/plain; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: "Unauthorized\n")))
    }

    static func credentials(_ header: String?) -> (String, String)? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic ",
              let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
