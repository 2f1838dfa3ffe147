/// `--healthcheck`: asks a running exporter's `/-/healthy` on the loopback interface and reports the answer, so a
/// container image needs no curl or wget for its HEALTHCHECK.
public enum HealthCheck {
    /// True if `GET /-/healthy` on `listenAddress` (all interfaces meaning 127.0.0.1) answers 200 within 5 s.
    public static func isHealthy(listenAddress: ListenAddress, tls: Bool) async -> Bool {
        let host = switch listenAddress.host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "[::1]"
        case let host where host.contains(":"): "[\(host)]"
        case let host: host
        }
        let url = "\(tls ? "https" : "http")://\(host):\(listenAddress.port)/-/healthy"
        return await BlockingIO.run(label: "mongodb_apikey_exporter.healthcheck") {
            var options = TransportOptions()
            options.requestTimeout = .seconds(5)
            options.connectTimeout = .seconds(2)
            // The check runs beside the server, by loopback: with TLS, a self-signed certificate is fine here.
            options.verifyPeer = !tls
            let status = (try? CurlEasyHandle(options: options).get(url, headers: []))?.status
            return status == 200
        }
    }
}
