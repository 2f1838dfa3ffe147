import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import TextSupport

/// The exporter's HTTP endpoints: the cached exposition, the status page, the running configuration, and health and
/// readiness probes.
public enum ExporterServer {

    /// `configPage`: the HTML of `/config` (see `ConfigPage`), current after every reload; no `/config` without it.
    public static func makeRouter(
        cache: ExpositionCache, processMetrics: ProcessMetrics, telemetryPath: String, basicAuth: BcryptVerifier? = nil,
        configPage: ConfigPageSource? = nil
    ) -> Router<ExporterRequestContext> {
        let router = Router(context: ExporterRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ReadOnlyMethodsMiddleware<ExporterRequestContext>())
        // Added before basic auth, so outside it (Hummingbird wraps a route in the middleware added before it):
        // liveness probes (the kubelet's, --healthcheck) carry no password, and the answer is a constant. Every
        // other path, an unknown one included, still asks for one.
        router.get("/-/healthy") { _, _ in
            plainText(.ok, "Healthy\n")
        }
        if let basicAuth {
            router.add(middleware: BasicAuthMiddleware(verifier: basicAuth))
        }

        let tails = ScrapeTailCache(processMetrics: processMetrics)
        router.get(RouterPath(telemetryPath)) { request, _ in
            // The inventory was rendered and deflated once per cycle, the process block at most every 100 ms.
            let generation = cache.current
            let (format, body) = cache.body(ExpositionFormat.negotiate(accept: request.headers[.accept]), of: generation)
            let tail = tails.tail(format)
            var headers: HTTPFields = [.contentType: format.contentType, .vary: "Accept, Accept-Encoding"]
            if acceptsGzip(request.headers[.acceptEncoding]) {
                headers[.contentEncoding] = "gzip"
                let member = GzipStream.member(prefix: body, deflatedTail: tail.deflated, tailCRC: tail.crc,
                                               tailLength: tail.plain.readableBytes)
                return Response(status: .ok, headers: headers, body: ResponseBody(contentsOf: member))
            }
            return Response(status: .ok, headers: headers, body: plainBody(body, tail: tail.plain))
        }
        router.get("/") { _, _ in
            // Rendered per request from the last cycle's summary (never from the API), so its ages are current.
            htmlPage(StatusPage.render(cache.statusPage, telemetryPath: telemetryPath))
        }
        if let configPage {
            router.get("/config") { _, _ in
                htmlPage(configPage.current)
            }
        }
        router.get("/-/ready") { _, _ in
            cache.isReady
                ? plainText(.ok, "Ready\n")
                : plainText(.serviceUnavailable, "Not ready: the first poll cycle has not finished\n")
        }
        return router
    }

    /// The Hummingbird application as a service, with `onListening` told the bound address (useful with port 0).
    /// With `tls`, it serves HTTPS only; a certificate, key or client CA it cannot use is a `ConfigError` naming the
    /// field, thrown here rather than at the first connection.
    ///
    /// On graceful shutdown it stops accepting at once, gives each open connection `shutdownGrace` to finish its
    /// response, then closes it whatever the client does (see ``ShutdownGrace``), and logs one line with the
    /// number of connections it cut.
    public static func makeApplication(
        router: Router<ExporterRequestContext>, listenAddress: ListenAddress, tls: WebConfig.TLS? = nil, logger: Logger,
        shutdownGrace: Duration = ShutdownGrace.default,
        onListening: @escaping @Sendable (ListenAddress) async -> Void = { _ in }
    ) throws(ConfigError) -> some Service {
        let cuts = ShutdownGrace.Cuts()
        // Idle keep-alive connections are closed after a minute, so idle clients cannot pile up for ever, and
        // busy ones after 1,000 requests (RequestLimitHandler).
        var server = ExporterHTTP1Channel.builder(idleTimeout: .seconds(60), shutdownGrace: TimeAmount(shutdownGrace),
                                                  cuts: cuts)
        if let tls {
            let configuration = try ServerTLS.configuration(tls)
            do {
                server = try .tls(server, tlsConfiguration: configuration)
            } catch {
                throw ConfigError(field: "--web.config.file: tls_server_config", "cannot use the TLS settings")
            }
        }
        let application = Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(listenAddress.host, port: listenAddress.port),
                serverName: "mongodb_apikey_exporter/\(BuildInfo.version)"
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? listenAddress.port
                await onListening(ListenAddress(host: listenAddress.host, port: port))
            },
            logger: logger
        )
        return HTTPService(application: application, cuts: cuts, shutdownGrace: shutdownGrace, logger: logger)
    }

    /// Runs the application; once it has stopped (every connection closed), says how the shutdown went.
    struct HTTPService<App: ApplicationProtocol>: Service {
        let application: App
        let cuts: ShutdownGrace.Cuts
        let shutdownGrace: Duration
        let logger: Logger

        func run() async throws {
            try await application.run()
            let (seconds, attoseconds) = shutdownGrace.components
            let grace = attoseconds == 0 ? "\(seconds)s" : "\(Double(seconds) + Double(attoseconds) / 1e18)s"
            logger.info("HTTP server stopped", metadata: ["connections_cut": "\(cuts.value)", "shutdown_grace": "\(grace)"])
        }
    }

    /// The exposition for a scraper that does not accept gzip: the text itself when it is small, else inflated 64 KB
    /// at a time as it is sent, so that a big text is never held whole.
    static func plainBody(_ exposition: DeflatedExposition, tail: ByteBuffer) -> ResponseBody {
        if let plain = exposition.plain { return ResponseBody(contentsOf: [plain, tail]) }
        return ResponseBody(contentLength: exposition.length + tail.readableBytes) { writer in
            // 64 KB at a time, whatever a piece expands to. A stream that does not inflate to its length ends the
            // response early (the connection closes) rather than leave the client waiting for the rest.
            let inflater = Inflater(exposition)
            while let part = try inflater.next() {
                try await writer.write(part)
            }
            guard inflater.produced == exposition.length else { throw Inflater.Failure.corrupt }
            try await writer.write(tail)
            try await writer.finish(nil)
        }
    }

    /// Whether an Accept-Encoding header allows gzip (and does not refuse it with q=0).
    public static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingWhitespace().lowercased() }
            guard fields.first == "gzip" || fields.first == "x-gzip" else { continue }
            return !fields.dropFirst().contains { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.000" }
        }
        return false
    }

    private static func plainText(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// An HTML page, with the headers that keep it inert: nothing but its own inline stylesheet may load or run.
    private static func htmlPage(_ body: String) -> Response {
        htmlPage(ByteBuffer(string: body))
    }

    private static func htmlPage(_ body: ByteBuffer) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: HTML.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff", .cacheControl: "no-store",
        ]
        if let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy") { headers[referrerPolicy] = "no-referrer" }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

/// The router's request context: Hummingbird's basic one plus the connection, by whose history basic auth ranks
/// its password checks (see ``BcryptQueue``).
public struct ExporterRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// The exporter only serves reads: every other method gets 405 with `Allow: GET, HEAD`.
struct ReadOnlyMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD"])
        }
        return try await next(request, context)
    }
}
