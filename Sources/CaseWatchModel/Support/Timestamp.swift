import Foundation

/// How CaseWatch writes instants: RFC 3339 in UTC to the second (`2026-11-26T10:00:00Z`).
package enum Timestamp {
    /// Computed from the Unix time by hand: it runs several times per delivery, and a formatter costs
    /// more than the rest of the bookkeeping.
    package static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }

    /// The instant an `iso8601(_:)` text names; nil for any other text.
    package static func date(iso8601 text: String) -> Date? {
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int32($0) }
        guard text.count == 20, text.hasSuffix("Z"), parts.count == 6 else { return nil }
        var fields = tm()
        fields.tm_year = parts[0] - 1900
        fields.tm_mon = parts[1] - 1
        fields.tm_mday = parts[2]
        fields.tm_hour = parts[3]
        fields.tm_min = parts[4]
        fields.tm_sec = parts[5]
        return Date(timeIntervalSince1970: TimeInterval(timegm(&fields)))
    }
}
