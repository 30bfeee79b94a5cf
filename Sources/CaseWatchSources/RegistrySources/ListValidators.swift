import CaseWatchModel

/// What an official list's last good read leaves behind to recognise the list unchanged next time, kept in the
/// store as a feed's validators are (``FetchValidators``, one row per source):
///
/// - `rows`: the SHA-256 of its entries' normalised rows, sorted — the list's content, whatever its bytes (the
///   Ministry rebuilds its file on every request, so equal rows in other bytes are still the same list);
/// - `bytes`: the SHA-256 of the file or body as read — equal bytes are the same list without parsing them;
/// - `signature`: a `path:` list's stat signature (``FileSignature``) — an untouched file is not even read;
/// - `etag` and `lastModified`: what a `url:` list's server said, sent back as `If-None-Match` and
///   `If-Modified-Since`, so that an unchanged list costs one small request (304).
///
/// - `reader`: which reading of the list the others were taken by (the importer, its format and mapping, and
///   CaseWatch's reader version): bytes, stat signature and ETag vouch for nothing read another way, so after an
///   upgrade or a changed `mapping:` the list is parsed again (and still compared by its rows).
///
/// Stored as `reader:ID rows:HEX bytes:HEX etag:ETAG` in the etag column (the server's ETag last: it is the only part that may
/// hold a space) and `stat:SIGNATURE` or the server's Last-Modified in the other. A store written before the bytes
/// were kept holds `rows:HEX` alone, which still reads.
struct ListValidators: Equatable {
    var reader: String?
    var rows: String?
    var bytes: String?
    var signature: String?
    var etag: String?
    var lastModified: String?

    init(reader: String? = nil, rows: String? = nil, bytes: String? = nil, signature: String? = nil,
         etag: String? = nil, lastModified: String? = nil)
    {
        self.reader = reader
        self.rows = rows
        self.bytes = bytes
        self.signature = signature
        self.etag = etag
        self.lastModified = lastModified
    }

    init(_ stored: FetchValidators?) {
        var text = Substring(stored?.etag ?? "")
        while !text.isEmpty {
            if text.hasPrefix("etag:") {
                etag = String(text.dropFirst(5))
                break
            }
            let word = text.prefix { $0 != " " }
            text = text.dropFirst(word.count).drop { $0 == " " }
            if word.hasPrefix("reader:") { reader = String(word.dropFirst(7)) }
            if word.hasPrefix("rows:") { rows = String(word.dropFirst(5)) }
            if word.hasPrefix("bytes:") { bytes = String(word.dropFirst(6)) }
        }
        if let other = stored?.lastModified {
            if other.hasPrefix("stat:") { signature = String(other.dropFirst(5)) } else { lastModified = other }
        }
    }

    var stored: FetchValidators {
        var parts: [String] = []
        if let reader { parts.append("reader:" + reader) }
        if let rows { parts.append("rows:" + rows) }
        if let bytes { parts.append("bytes:" + bytes) }
        if let etag { parts.append("etag:" + etag) }
        return FetchValidators(etag: parts.isEmpty ? nil : parts.joined(separator: " "),
                               lastModified: signature.map { "stat:" + $0 } ?? lastModified)
    }
}
