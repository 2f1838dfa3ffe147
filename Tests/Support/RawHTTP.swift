import Foundation

/// HTTP/1 over a plain socket, for what libcurl hides: the version sent, pipelining, and when the server closes.
public enum RawHTTP {
    public enum End: Equatable, Sendable {
        /// The server closed the stream (read returned 0).
        case closed
        /// The connection was reset: responses not yet read may have been lost.
        case reset
        /// Neither within the time allowed.
        case timedOut
    }

    /// Writes all of `bytes` (a blocking socket); false if the connection failed.
    public static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Reads until the server closes the connection or `timeout` passes (polling in slices of 100 ms).
    public static func readToEnd(_ fd: Int32, timeout: Duration) -> (bytes: [UInt8], end: End) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            if ready < 0, errno != EINTR { return (bytes, .reset) }
            guard ready > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return (bytes, .closed) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return (bytes, .reset)
            }
            bytes += buffer[0..<count]
        }
        return (bytes, .timedOut)
    }

    public struct Response: Sendable {
        public var statusLine: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// The complete responses (framed by Content-Length) at the start of `bytes`, and how many bytes follow them.
    public static func responses(_ bytes: [UInt8]) -> (responses: [Response], leftover: Int) {
        var responses: [Response] = []
        var start = 0
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while start < bytes.count {
            guard let headEnd = firstIndex(of: separator, in: bytes, from: start) else { break }
            let lines = String(decoding: bytes[start..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
            let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
            let bodyStart = headEnd + separator.count
            guard bytes.count - bodyStart >= length else { break }
            responses.append(Response(statusLine: lines.first ?? "", headers: headers,
                                      body: Array(bytes[bodyStart..<bodyStart + length])))
            start = bodyStart + length
        }
        return (responses, bytes.count - start)
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = from
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}
