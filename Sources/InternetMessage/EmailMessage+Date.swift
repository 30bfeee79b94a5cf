import Foundation

extension EmailMessage {
    /// `date` as RFC 5322 §3.3 writes it, in UTC: `Thu, 26 Nov 2026 10:00:00 +0000`.
    ///
    /// Computed from the Unix time rather than through `Calendar` and `DateFormatter`, so the day and month names are
    /// always the English ones the grammar lists whatever the process locale, and the same instant always gives
    /// the same text (a retried delivery resends the same bytes). Fractions of a second are dropped; instants
    /// outside the years 1 to 9999, which the four-digit year cannot hold, are clamped to them.
    public static func rfc5322Date(_ date: Date) -> String {
        var bytes: [UInt8] = []
        appendRFC5322Date(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``rfc5322Date(_:)``'s text to `bytes`.
    static func appendRFC5322Date(_ date: Date, to bytes: inout [UInt8]) {
        let clamped = Double.minimum(Double.maximum(date.timeIntervalSince1970, -62_135_596_800), 253_402_300_799)
        let seconds = Int(clamped.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        let weekday = ((days % 7) + 7 + 4) % 7  // 1 January 1970 was a Thursday.
        bytes.append(contentsOf: weekdayNames[weekday].utf8)
        bytes.append(contentsOf: ", ".utf8)
        appendPadded(day, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: monthNames[month - 1].utf8)
        bytes.append(UInt8(ascii: " "))
        appendPadded(year, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        appendPadded(secondOfDay / 3600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(secondOfDay / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(secondOfDay % 60, width: 2, to: &bytes)
        bytes.append(contentsOf: " +0000".utf8)
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// A non-negative `value` in decimal, with leading zeros up to `width` digits.
    private static func appendPadded(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        var digits = 1
        while value / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        for _ in digits..<max(width, digits) { bytes.append(UInt8(ascii: "0")) }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// The proleptic Gregorian date of a day count, by Howard Hinnant's `civil_from_days` (eras of 400 years,
    /// years starting in March so the leap day comes last).
    private static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
