/// A 2xx answer's body with every secret the exporter knows replaced (`SecretRedactor.redacting(body:)`): the only
/// thing the decode layer reads. So every name, description and address the API sends is redacted once, here, for
/// every collector, and an API echoing a credential into a description cannot put it into a label, a log line or
/// a page.
struct RedactedResponse: Sendable {
    let body: [UInt8]

    init(_ response: CurlResponse, redactor: SecretRedactor) {
        body = redactor.redacting(body: response.body)
    }
}
