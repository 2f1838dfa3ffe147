import NIOSSL

/// The server's `TLSConfiguration` from `tls_server_config`, checked in full when the exporter starts.
///
/// NIOSSL parses certificates and keys where asked, but checks that the key belongs to the certificate only when
/// it builds a context, which Hummingbird does when the server starts running; and a CA given as a file is read
/// then too. So every file is parsed here, the client CA is loaded as certificates, and a context is built once,
/// so that each fault is a `ConfigError` naming its field before anything listens.
enum ServerTLS {
    static func configuration(_ tls: WebConfig.TLS) throws(ConfigError) -> TLSConfiguration {
        let chain = try certificates(tls.certFile, field: "cert_file")
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
        } catch {
            throw Self.error("key_file", "no unencrypted PEM private key in \"\(tls.keyFile)\"")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA = tls.clientCAFile {
            configuration.trustRoots = .certificates(try certificates(clientCA, field: "client_ca_file"))
            switch tls.clientAuth {
            case .none: configuration.certificateVerification = .none
            case .verifyIfGiven: configuration.certificateVerification = .optionalVerification
            case .requireAndVerify: configuration.certificateVerification = .noHostnameVerification
            }
        }
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch NIOSSLError.failedToLoadPrivateKey {
            // Both parsed, so BoringSSL refused the pair: SSL_CTX_use_PrivateKey checks the key against the certificate.
            throw Self.error("key_file", "does not match cert_file")
        } catch {
            throw Self.error("cert_file", "cannot be used with key_file: \(error)")
        }
        return configuration
    }

    /// The PEM certificates in `path`; none, or a file that is not PEM, is an error naming `field`.
    private static func certificates(_ path: String, field: String) throws(ConfigError) -> [NIOSSLCertificate] {
        guard let parsed = try? NIOSSLCertificate.fromPEMFile(path), !parsed.isEmpty else {
            throw error(field, "no PEM certificate in \"\(path)\"")
        }
        return parsed
    }

    private static func error(_ field: String, _ message: String) -> ConfigError {
        ConfigError(field: "--web.config.file: tls_server_config.\(field)", message)
    }
}
