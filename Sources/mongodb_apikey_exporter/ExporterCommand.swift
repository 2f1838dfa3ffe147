import APIKeyExporter
import ArgumentParser
import AtlasSimulator
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import Logging
import ServiceLifecycle

@main
struct ExporterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mongodb_apikey_exporter",
        abstract: "Prometheus exporter for the programmatic API keys of MongoDB Atlas, Cloud Manager and Ops Manager.",
        discussion: """
            Credentials: the public key from \(ExporterConfig.publicKeyVariable) (or --atlas.public-key), the private \
            key from \(ExporterConfig.privateKeyVariable) or --atlas.private-key-file. --demo needs neither.
            """,
        version: "\(BuildInfo.version) (revision \(BuildInfo.revision))"
    )

    /// Every setting the command line gives, declared once (`RawSettings`).
    @OptionGroup
    var settings: RawSettings

    @Flag(name: .customLong("demo.ops-manager"), help: "With --demo: the simulator plays an Ops Manager (global and agent API keys) instead of Atlas.")
    var demoOpsManager = false

    @Flag(name: .customLong("healthcheck"), help: "Ask the exporter on --web.listen-address for /-/healthy (a TLS handshake when --web.config.file requires client certificates), exit 0 if healthy (for container health checks).")
    var healthcheck = false

    /// Parses the command line and runs. Every bad setting, including one ArgumentParser refuses (a value that is
    /// not a number, an unknown flag), ends the same way: one line on standard error and exit status 2.
    static func main() async {
        // A log write to a closed pipe must fail with EPIPE (dropped and counted), not end the process.
        signal(SIGPIPE, SIG_IGN)
        // SIGHUP reloads once the reload service listens for it (libdispatch's signal source then installs a handler
        // of its own in place of this); until then, a SIGHUP sent during start-up would end the process by default.
        signal(SIGHUP, SIG_IGN)
        MallocArenas.limit()
        let command: ExporterCommand
        do {
            var parsed = try parseAsRoot()
            guard let exporter = parsed as? ExporterCommand else {
                // `--help` and the like parse into ArgumentParser's own commands.
                try parsed.run()
                Glibc.exit(0)
            }
            command = exporter
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
            ExporterCommand.fail("invalid configuration: \(ConfigError.quoteLimited(message, limit: 400))")
        }
        do {
            try await command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            ExporterCommand.fail("\(error)", status: 1)
        }
        Glibc.exit(0)
    }

    /// One line on standard error, then exit.
    static func fail(_ message: String, status: Int32 = 2) -> Never {
        let line = "mongodb_apikey_exporter: " + message.split(whereSeparator: \.isNewline).joined(separator: "; ") + "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, line.utf8.count) }
        Glibc.exit(status)
    }

    func run() async throws {
        if healthcheck {
            guard let address = ListenAddress(parsing: settings.listenAddress) else { throw ExitCode(2) }
            let tls = settings.webConfigFile.flatMap { try? WebConfig.load(path: $0) }?.tls
            throw await HealthCheck.isHealthy(listenAddress: address, tls: tls) ? ExitCode.success : ExitCode.failure
        }
        if demoOpsManager, !settings.demo {
            Self.fail("invalid configuration: --demo.ops-manager: only with --demo")
        }
        let raw = settings

        var simulator: DemoSimulator?
        let config: ExporterConfig
        do {
            if raw.demo {
                let demo = try await DemoSimulator.start(opsManager: demoOpsManager)
                simulator = demo
                config = try ExporterConfig(demoBaseURL: demo.baseURL, credentials: demo.credentials, from: raw)
            } else {
                config = try ExporterConfig(raw, environment: ProcessInfo.processInfo.environment)
            }
        } catch let error as ConfigError {
            Self.fail("invalid configuration: \(error)")
        }

        LoggingSystem.bootstrap { _ in LineLogHandler(format: config.logFormat, level: config.logLevel) }
        let logger = Logger(label: "mongodb_apikey_exporter")
        let demoURL = simulator?.baseURL
        let parts: ExporterAssembly.Parts
        do {
            // Logged once the address is bound: a start that fails (the port is taken) prints its one error line only.
            parts = try ExporterAssembly.make(config: config, logger: logger) { address in
                logger.info("starting mongodb_apikey_exporter", metadata: [
                    "version": "\(BuildInfo.version)", "revision": "\(BuildInfo.revision)",
                    "targets": "\(config.targets.map(\.name).joined(separator: ","))", "poll_interval": "\(config.pollInterval)",
                ])
                if let demoURL {
                    logger.info("demo mode: polling the built-in API simulator, which changes a key or a service account every 20s",
                                metadata: ["url": "\(demoURL)"])
                }
                logger.info("listening", metadata: [
                    "address": "\(address)", "telemetry_path": "\(config.telemetryPath)",
                    "tls": "\(config.webConfig?.tls != nil)"])
            }
        } catch {
            Self.fail("invalid configuration: \(error)")
        }
        let group = ServiceGroup(configuration: .init(
            services: parts.services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            // The address is taken, not ours to use, or not on this host: a setting, reported as one.
            if let reason = ListenFailure.reason(error) {
                Self.fail("invalid configuration: --web.listen-address: cannot listen on \(config.listenAddress): \(reason)")
            }
            throw error
        }
        await simulator?.stop()
        logger.info("stopped")
    }
}
