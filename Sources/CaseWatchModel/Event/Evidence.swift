import Crypto
import Foundation

/// Where the facts of an event came from: the source the case was read from, when it was read, the official list's
/// own as-of date, and a SHA-256 of what was read.
///
/// Recorded with the event (JSON keys `source`, `fetched_at`, `as_of`, `sha256`, as SPEC's webhook body names
/// them), never part of its id: the same change read again, from another file or at another time, is the same
/// event. Events recorded by the release before have none.
package struct Evidence: Sendable, Hashable, Codable {
    /// A case file's path as the operator names it, a feed's URL, or an official list's source name.
    package var source: String
    /// When CaseWatch read the source: the detection cycle's moment. Nil when it is not known (the case of a source
    /// not read in the cycle that made the event: its facts are the snapshot recorded before).
    package var fetchedAt: Date?
    /// The date an official list says it is current as of, when the source is such a list and says so.
    package var asOf: CalendarDate?
    /// SHA-256 (64 lowercase hex digits) of the entry's normalised row for an official list's entry, else of the
    /// case's canonical JSON (``LegalCase/canonicalJSON``) as CaseWatch read it.
    package var sha256: String

    package init(source: String, fetchedAt: Date?, asOf: CalendarDate? = nil, sha256: String) {
        self.source = source
        self.fetchedAt = fetchedAt
        self.asOf = asOf
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey {
        case source
        case fetchedAt = "fetched_at"
        case asOf = "as_of"
        case sha256
    }

    /// SHA-256 of `bytes` in lowercase hex.
    package static func sha256Hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension LegalCase {
    /// SHA-256 (lowercase hex) of the case's canonical JSON: what ``Evidence`` records for a hand-kept case.
    package var canonicalSHA256: String {
        var writer = JSONWriter()
        writeCanonicalJSON(into: &writer)
        return Evidence.sha256Hex(writer.bytes)
    }
}
