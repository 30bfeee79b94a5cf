import Foundation

/// A day on the calendar (`2023-01-25`), as courts and registries date their acts: no time, no zone. A step's date
/// may be known to the month (`2025-07`) or the year (`2025`) only; it is then shown with that precision.
package struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    // Four bytes, not three words: a registry holds a date per history entry of every case. A month or day of 0
    // is one not known.
    private let storedYear: UInt16
    private let storedMonth: UInt8
    private let storedDay: UInt8

    /// How much of the date is known.
    package enum Precision: Int, Sendable, Comparable {
        case year, month, day

        package static func < (left: Precision, right: Precision) -> Bool { left.rawValue < right.rawValue }
    }

    package var year: Int { Int(storedYear) }
    /// The month, 1…12; 0 when only the year is known.
    package var month: Int { Int(storedMonth) }
    /// The day, 1…31; 0 when only the year or the month is known.
    package var day: Int { Int(storedDay) }

    package var precision: Precision { storedMonth == 0 ? .year : storedDay == 0 ? .month : .day }
    /// Whether the day is known (hearings and deadlines need one).
    package var isComplete: Bool { storedDay != 0 }

    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        storedYear = UInt16(year)
        storedMonth = UInt8(month)
        storedDay = UInt8(day)
    }

    /// A date known to the month, or (`month` nil) to the year.
    package init?(year: Int, month: Int?) {
        guard (1...9999).contains(year), month.map({ (1...12).contains($0) }) ?? true else { return nil }
        storedYear = UInt16(year)
        storedMonth = UInt8(month ?? 0)
        storedDay = 0
    }

    /// Parses exactly `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    package init?(_ text: String) {
        var text = text
        if text.utf8.count == 10 {
            guard let date = text.withUTF8(CalendarDate.init(utf8:)) else { return nil }
            self = date
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].count == 4, parts.count == 1 || parts[1].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }),
              let year = Int(parts[0])
        else { return nil }
        guard let date = CalendarDate(year: year, month: parts.count == 2 ? Int(parts[1]) : nil) else { return nil }
        self = date
    }

    /// Whether `self` is certainly before `other`, comparing only what both know (`2025` is not before
    /// `2025-07-12`, nor after it).
    package func isCertainlyBefore(_ other: CalendarDate) -> Bool {
        let common = min(precision, other.precision)
        return (year, common >= .month ? month : 0, common >= .day ? day : 0)
            < (other.year, common >= .month ? other.month : 0, common >= .day ? other.day : 0)
    }

    /// Parses exactly `YYYY-MM-DD` from UTF-8 bytes (a JSON case file's, without making a string first).
    package init?(utf8: UnsafeBufferPointer<UInt8>) {
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in utf8[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day `date` falls on in `timeZone`.
    package init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// `YYYY-MM-DD` (or `YYYY-MM`, `YYYY` for a partial date), written digit by digit (every case snapshot has
    /// several).
    package var description: String {
        switch precision {
        case .year: return String(year)
        case .month: return String(year) + (month < 10 ? "-0" : "-") + String(month)
        case .day: break
        }
        return String(unsafeUninitializedCapacity: 10) { text in
            func put(_ value: Int, width: Int, at offset: Int) {
                var value = value
                for position in (offset..<offset + width).reversed() {
                    text[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, width: 4, at: 0)
            text[4] = UInt8(ascii: "-")
            put(month, width: 2, at: 5)
            text[7] = UInt8(ascii: "-")
            put(day, width: 2, at: 8)
            return 10
        }
    }

    package static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    package init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self = date
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
