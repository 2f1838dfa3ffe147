import Foundation

/// Headless Chromium (Debian's `chromium`), run once per page as a person's browser would load it: each run has
/// its own temporary profile, may resolve no host but 127.0.0.1, and is killed if it outlasts its timeout.
public enum Chromium {
    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    /// The DOM after the page loaded (and after any script it would run), serialised as HTML.
    public static func dumpDOM(_ url: String, timeout: Duration = .seconds(90)) async throws -> String {
        let output = try await run(["--dump-dom", url], timeout: timeout)
        guard output.contains("</html>") else { throw Failed(description: "chromium dumped no DOM for \(url)") }
        return output
    }

    /// Takes a PNG of the page as rendered at `width`×`height` into `path`.
    public static func screenshot(_ url: String, to path: String, width: Int = 1280, height: Int = 1600,
                                  timeout: Duration = .seconds(90)) async throws {
        _ = try await run(["--screenshot=\(path)", "--window-size=\(width),\(height)", "--hide-scrollbars", url],
                          timeout: timeout)
    }

    /// Runs chromium with `arguments` after the headless, offline flags and returns its standard output.
    static func run(_ arguments: [String], timeout: Duration) async throws -> String {
        let executable = try which("chromium")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdoutURL = scratch.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: stdoutURL)
        defer { try? stdout.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(scratch.appendingPathComponent("profile").path)",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
            "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-breakpad",
            // Only loopback: the page must work offline, and a test connects nowhere else.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--proxy-server=direct://",
        ] + arguments
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failed(description: "chromium did not finish within \(timeout)")
        }
        guard process.terminationStatus == 0 else {
            throw Failed(description: "chromium exited with status \(process.terminationStatus)")
        }
        return String(decoding: (try? Data(contentsOf: stdoutURL)) ?? Data(), as: UTF8.self)
    }
}
