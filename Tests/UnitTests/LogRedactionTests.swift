import APIKeyExporter
import Foundation
import Logging
import Testing

/// What a log line may hold: escaped control characters, and no secret.
@Suite("Log lines: escaping and redaction")
struct LogRedactionTests {
    @Test("log values escape CR, LF, NUL, ESC and U+2028: a description cannot forge a line")
    func forgedLines() {
        let sink = LogSink.capturing()
        for format in [LogFormat.logfmt, .json] {
            let logger = Logger(label: "test") { _ in LineLogHandler(format: format, level: .info, sink: sink) }
            logger.info("api key change", metadata: [
                "description": "x\nts=2026 level=error msg=forged\r\u{0}\u{1b}[31m\u{2028}\u{85}end"])
        }
        #expect(sink.captured.count == 2)
        for line in sink.captured {
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x2028 || $0.value == 0x85 || $0.value == 0x7f },
                    "\(line.debugDescription)")
            #expect(line.contains("\\u001b") && line.contains("\\u2028") && line.contains("\\n") && line.contains("\\r"))
        }
    }

    @Test("the redactor: known secrets in any position, base64 forms, tokens, credential-shaped values")
    func redactor() {
        let redactor = SecretRedactor()
        redactor.register(.apiKey(DigestCredentials(username: "pubkey", password: "priv-0123-4567")))
        redactor.register(token: "tok_abcdefghijkl")
        let basic = Data("pubkey:priv-0123-4567".utf8).base64EncodedString()
        let text = "key=priv-0123-4567 b64=\(basic) t=tok_abcdefghijkl h=Authorization: Basic dXNlcjpvdGhlcg== "
            + "Bearer eyJhbGciOi.xyz Digest username=\"u\", response=\"0123456789abcdef0123456789abcdef\""
        let redacted = redactor.redact(text)
        for leaked in ["priv-0123-4567", basic, "tok_abcdefghijkl", "dXNlcjpvdGhlcg==", "eyJhbGciOi", "0123456789abcdef"] {
            #expect(!redacted.contains(leaked), "\(redacted)")
        }
        #expect(redacted.contains("username=\"u\""))
        // Labels only lose known secrets: an ordinary description stays as it is.
        #expect(redactor.redactKnownSecrets("Bearer tokens for CI") == "Bearer tokens for CI")
        #expect(redactor.redactKnownSecrets("uses priv-0123-4567") == "uses <redacted>")
        #expect(SecretRedactor.contains(anyOf: redactor.knownSecretBytes(), in: "a tok_abcdefghijkl b"))
        #expect(!SecretRedactor.contains(anyOf: redactor.knownSecretBytes(), in: "nothing here"))
    }
}
