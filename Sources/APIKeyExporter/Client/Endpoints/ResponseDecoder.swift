#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns a 2xx body into a model value; a body of the wrong shape becomes `.decode` with the path of the bad field.
struct ResponseDecoder {
    private let decoder = JSONDecoder()

    func decode<Body: Decodable>(_ response: RedactedResponse, url: String) throws(APIError) -> Body {
        do {
            return try decoder.decode(Body.self, from: Data(response.body))
        } catch let error as DecodingError {
            throw Self.decodeError(error, url: url)
        } catch {
            throw .decode(path: "", message: "\(error)", url: url)
        }
    }

    static func decodeError(_ error: DecodingError, url: String) -> APIError {
        func render(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = render(context.codingPath)
            let full = parent.isEmpty ? key.stringValue : parent + "." + key.stringValue
            return .decode(path: full, message: "required field missing", url: url)
        case .typeMismatch(let type, let context):
            return .decode(path: render(context.codingPath), message: "expected \(type)", url: url)
        case .valueNotFound(let type, let context):
            return .decode(path: render(context.codingPath), message: "expected \(type), found null", url: url)
        case .dataCorrupted(let context):
            return .decode(path: render(context.codingPath), message: "malformed JSON", url: url)
        @unknown default:
            return .decode(path: "", message: "undecodable", url: url)
        }
    }
}
