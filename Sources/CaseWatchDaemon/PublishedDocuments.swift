import Foundation
import Hummingbird

/// The documents anyone may fetch over and over (the Atom feeds, `/cases.json`), kept as last built with their
/// validators, and built again only after the next cycle or reload: a burst of readers costs one build.
///
/// A cycle is what changes them (new events, a changed registry), and a withdrawal made from the command line is
/// seen by the next cycle: the daemon drops what it built after every cycle, so nothing stays stale longer than
/// `schedule.interval`. A rebuild that yields the same bytes keeps its `ETag` and `Last-Modified`, so readers that
/// ask conditionally get 304 until something really changed.
actor PublishedDocuments {
    struct Document: Sendable {
        let body: ByteBuffer
        /// A strong validator of the bytes.
        let etag: String
        /// When these bytes were first built.
        let lastModified: Date
    }

    private var current: [String: Document] = [:]
    /// Builds under way, shared by every request that arrives meanwhile.
    private var building: [String: Task<Document, any Error>] = [:]
    private var stale: Set<String> = []

    /// What was built before stays as the previous version (for its validators); the next request builds anew.
    func invalidate() {
        stale.formUnion(current.keys)
    }

    /// The document `key`, built by `build` when there is none or it is stale.
    func document(_ key: String, build: @escaping @Sendable () async throws -> [UInt8]) async throws -> Document {
        if let document = current[key], !stale.contains(key) { return document }
        if let task = building[key] { return try await task.value }
        let previous = current[key]
        let task = Task<Document, any Error> {
            let bytes = try await build()
            let etag = Self.etag(bytes)
            if let previous, previous.etag == etag { return previous }
            return Document(body: ByteBuffer(bytes: bytes), etag: etag, lastModified: Date())
        }
        building[key] = task
        defer { building[key] = nil }
        let document = try await task.value
        current[key] = document
        stale.remove(key)
        return document
    }

    /// `"<16 hex digits>"`: FNV-1a over the bytes, which tells versions of one document apart.
    static func etag(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// 200 with the document and its validators, or 304 when the request's `If-None-Match` (else its
    /// `If-Modified-Since`) shows the reader has this version already (RFC 9110 §13.1).
    static func response(_ document: Document, contentType: String, request: Request) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .eTag: document.etag,
                                   .lastModified: HTTPDate.format(document.lastModified),
                                   .cacheControl: "no-cache"]
        let notModified: Bool
        if let match = request.headers[.ifNoneMatch] {
            notModified = match.split(separator: ",").contains { tag in
                let tag = tag.trimmingCharacters(in: .whitespaces)
                return tag == "*" || tag == document.etag || tag == "W/" + document.etag
            }
        } else if let since = request.headers[.ifModifiedSince].flatMap(HTTPDate.parse) {
            notModified = Int(document.lastModified.timeIntervalSince1970) <= Int(since.timeIntervalSince1970)
        } else {
            notModified = false
        }
        guard !notModified else {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: document.body))
    }
}

/// HTTP's date form, IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7).
enum HTTPDate {
    private static let style = Date.VerbatimFormatStyle(
        format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .padded(4)) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
        locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "GMT")!, calendar: Calendar(identifier: .gregorian))

    static func format(_ date: Date) -> String {
        date.formatted(style)
    }

    static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: style.parseStrategy)
    }
}
