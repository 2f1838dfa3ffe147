import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOSSL

/// `--healthcheck`: asks a running exporter on the loopback interface whether it is alive, so a container image needs
/// no curl or wget for its HEALTHCHECK.
///
/// `GET /-/healthy`, which basic auth leaves open (see `ExporterServer.makeRouter`). When the web config requires a
/// client certificate, the check has none to offer: it then completes a TLS 1.3 handshake instead, which the server
/// answers from the same event loops that serve requests, with the configured certificate and proof of its key,
/// before it refuses the missing client certificate. With TLS, the server's key is pinned to `cert_file`'s, so
/// another server on the port does not pass.
public enum HealthCheck {
    /// True if the exporter on `listenAddress` (all interfaces meaning 127.0.0.1) answers within 5 s.
    public static func isHealthy(listenAddress: ListenAddress, tls: WebConfig.TLS?) async -> Bool {
        let host = switch listenAddress.host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "[::1]"
        case let host where host.contains(":"): "[\(host)]"
        case let host: host
        }
        let url = "\(tls == nil ? "http" : "https")://\(host):\(listenAddress.port)/-/healthy"
        let pin = tls.flatMap { pinnedPublicKey(certificateFile: $0.certFile) }
        return await BlockingIO.run(label: "mongodb_apikey_exporter.healthcheck") {
            var options = TransportOptions()
            options.requestTimeout = .seconds(5)
            options.connectTimeout = .seconds(2)
            // The check runs beside the server, by loopback: with TLS, a self-signed certificate is fine here.
            options.verifyPeer = tls == nil
            options.pinnedPublicKey = pin
            let handle = CurlEasyHandle(options: options)
            if tls?.clientAuth == .requireAndVerify {
                return (try? handle.handshakeTLS13(url)) != nil
            }
            return (try? handle.get(url, headers: []))?.status == 200
        }
    }

    /// libcurl's pin of the first certificate's public key in `certificateFile`: `sha256//` and the base64 SHA-256
    /// of its SubjectPublicKeyInfo; nil when the file cannot be read (the check then takes any key).
    static func pinnedPublicKey(certificateFile: String) -> String? {
        guard let certificate = try? NIOSSLCertificate.fromPEMFile(certificateFile).first,
              let spki = try? certificate.extractPublicKey().toSPKIBytes()
        else { return nil }
        return "sha256//" + Data(SHA256.hash(data: spki)).base64EncodedString()
    }
}
