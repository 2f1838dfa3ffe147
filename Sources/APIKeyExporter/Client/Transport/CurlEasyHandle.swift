import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TextSupport

/// A raw HTTP response as libcurl delivered it.
public struct CurlResponse: Sendable {
    public var status: Int
    /// Header names lower-cased; for repeated headers the last one wins.
    public var headers: [String: String]
    public var body: [UInt8]
    /// Connections libcurl had to open for this request (0 when it reused one).
    public var newConnections: Int = 0
    /// The local port of the connection used, which tells whether two requests shared it.
    public var localPort: Int = 0
}

/// Options that stay the same for every request a handle makes. Equatable as synthesized: a reload keeps a target
/// whose every setting is the same, and a field added later counts too.
public struct TransportOptions: Sendable, Equatable {
    public var connectTimeout: Duration = .seconds(10)
    public var requestTimeout: Duration = .seconds(60)
    /// A PEM bundle that replaces the system CAs, for an Ops Manager behind a private CA.
    public var caFile: String?
    /// A client certificate and its key (PEM), for servers that ask for mutual TLS.
    public var clientCertificateFile: String?
    public var clientKeyFile: String?
    public var userAgent: String = "mongodb_apikey_exporter/\(BuildInfo.version)"
    /// Responses bigger than this are aborted: a hostile or broken server cannot exhaust memory.
    public var maxBodyBytes: Int = 64 << 20
    public var retry = RetryPolicy()
    /// Bounds of one listing (items, bytes); see `ListingLimits`.
    public var listingLimits = ListingLimits()
    /// TLS certificate verification; only `--healthcheck` turns it off, for its own loopback request.
    public var verifyPeer = true
    /// libcurl's `CURLOPT_PINNEDPUBLICKEY` (`sha256//<base64>`): the server's key must be this one, verified or not.
    public var pinnedPublicKey: String?

    public init() {}
}

/// Username and password for HTTP Digest (an API key's public and private key). The password never appears in
/// `description`.
public struct DigestCredentials: Sendable, Equatable, CustomStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "DigestCredentials(username: \(username), password: <redacted>)" }
}

/// One libcurl easy handle, reused across requests so the connection stays alive. It makes exactly one HTTP
/// exchange per `get`: authentication headers are the caller's (see `DigestSigner`), redirects are not followed.
///
/// `perform` blocks the calling thread for the whole transfer: call it from a Dispatch queue,
/// never from the Swift concurrency pool. A handle is not thread-safe; its owner serialises use.
public final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let options: TransportOptions

    public init(options: TransportOptions) {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else {
            // Only fails when libcurl cannot allocate a few hundred bytes.
            fatalError("curl_easy_init failed: out of memory")
        }
        self.handle = handle
        self.options = options
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// Performs a GET of `url` with the given request headers; a body larger than `maxBodyBytes` (at most the
    /// handle's own limit) is abandoned.
    public func get(_ url: String, headers: [String], maxBodyBytes: Int? = nil) throws(APIError) -> CurlResponse {
        try request(url, method: "GET", headers: headers, maxBodyBytes: maxBodyBytes)
    }

    /// Performs a request: GET, HEAD (no body is read), POST with `body`, or any other method.
    public func request(_ url: String, method: String, headers: [String] = [], body: [UInt8]? = nil,
                        maxBodyBytes: Int? = nil) throws(APIError) -> CurlResponse {
        let bodyLimit = max(0, min(options.maxBodyBytes, maxBodyBytes ?? options.maxBodyBytes))
        curl_easy_reset(handle)
        configureCommonOptions()
        ccurl_setopt_string(handle, CURLOPT_URL, url)
        switch method {
        case "GET": ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case "HEAD": ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
        default: ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        }
        // COPYPOSTFIELDS: libcurl keeps its own copy, so the Swift array need not outlive this call.
        if let body {
            ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            body.withUnsafeBufferPointer { buffer in
                _ = ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
            }
        }

        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in headers {
            headerList = curl_slist_append(headerList, header)
        }
        defer { curl_slist_free_all(headerList) }
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)

        let sink = ResponseSink(limit: bodyLimit)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
        ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer)

        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        guard code == CURLE_OK else {
            if sink.overflowed {
                throw .responseTooLarge(limit: bodyLimit, url: url)
            }
            throw .transport(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)), url: url)
        }
        var status = 0
        var newConnections = 0
        var localPort = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        ccurl_getinfo_long(handle, CURLINFO_LOCAL_PORT, &localPort)
        return CurlResponse(status: status, headers: sink.headers, body: sink.body, newConnections: newConnections,
                            localPort: localPort)
    }

    /// Connects to `url`'s host and completes a TLS 1.3 handshake, without sending a request. In TLS 1.3 the client's
    /// side ends with its Finished, before the server has judged the client's certificate: a server that requires
    /// one it is not given still completes this, so it shows the server answers handshakes (`--healthcheck`).
    public func handshakeTLS13(_ url: String) throws(APIError) {
        curl_easy_reset(handle)
        configureCommonOptions()
        ccurl_setopt_string(handle, CURLOPT_URL, url)
        ccurl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_3))
        ccurl_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1)
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            throw .transport(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)), url: url)
        }
    }

    private func configureCommonOptions() {
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.milliseconds)
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, options.requestTimeout.milliseconds)
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, options.verifyPeer ? 1 : 0)
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, options.verifyPeer ? 2 : 0)
        if let pinnedPublicKey = options.pinnedPublicKey {
            ccurl_setopt_string(handle, CURLOPT_PINNEDPUBLICKEY, pinnedPublicKey)
        }
        if let caFile = options.caFile {
            ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile)
        }
        if let certificate = options.clientCertificateFile, let key = options.clientKeyFile {
            ccurl_setopt_string(handle, CURLOPT_SSLCERT, certificate)
            ccurl_setopt_string(handle, CURLOPT_SSLKEY, key)
        }
        ccurl_setopt_string(handle, CURLOPT_USERAGENT, options.userAgent)
        // An empty string asks for every encoding libcurl can decode (gzip, deflate, ...).
        ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 so that libcurl never reads 0 as "no timeout".
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// The duration in seconds as a floating-point number.
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Collects one transfer's status line, headers and body. libcurl calls it from `perform` on the same thread.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var overflowed = false

    init(limit: Int) {
        self.limit = limit
    }

    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            overflowed = true
            return false
        }
        if body.isEmpty { reserveDeclaredLength() }
        body.append(contentsOf: bytes)
        return true
    }

    /// Read in pieces of 16 KB, a body would grow its array by doubling, each time copying it into a new one with
    /// both resident (a 5 MB page: 4 MB copied into an 8 MB array, the pieces left in malloc's arenas). When the
    /// response states its length uncompressed (libcurl then hands over exactly that many bytes), the array is
    /// made that size at once; untouched capacity costs no memory should a server state more than it sends.
    private func reserveDeclaredLength() {
        let encoding = headers["content-encoding"]?.lowercased() ?? "identity"
        guard encoding == "identity" || encoding.isEmpty,
              let declared = headers["content-length"].flatMap({ Int($0) }), declared > 0, declared <= limit else { return }
        body.reserveCapacity(declared)
    }

    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new response begins (after a 100 Continue, say): forget the previous one.
            headers.removeAll(keepingCapacity: true)
            body.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace(newlines: true)
        headers[name] = value
    }
}

private let curlWriteBody: ccurl_write_callback = { data, size, count, userdata in
    let total = size * count
    guard let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let accepted = sink.appendBody(UnsafeRawBufferPointer(start: data, count: total))
    return accepted ? total : 0
}

private let curlWriteHeader: ccurl_write_callback = { data, size, count, userdata in
    let total = size * count
    guard let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    sink.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: total))
    return total
}

/// `curl_global_init` must run once before any handle is created.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    static func ensureInitialized() {
        _ = initialized
    }
}
