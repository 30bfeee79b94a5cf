import Foundation

/// A five-field cron expression (`minute hour day-of-month month day-of-week`), as digest subscribers
/// write it: `0 8 * * 1-5` is 08:00 on weekdays.
///
/// Supports `*`, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `8-18/2`) and day-of-week 0–7 (0 and 7
/// are Sunday). As in Vixie cron, when both day fields are restricted a day matches either; month and weekday names
/// (`JAN`–`DEC`, `SUN`–`SAT`, in any case, also in ranges and lists: `MON-FRI`) and the macros `@yearly`
/// (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`) and `@hourly` are read as Vixie cron reads them.
package struct CronSchedule: Sendable, Hashable {
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    package init?(_ expression: String) {
        guard Self.problem(in: expression) == nil else { return nil }
        let fields = Self.fields(of: expression)
        minutes = Self.parse(fields[0], 0...59)!
        hours = Self.parse(fields[1], 0...23)!
        daysOfMonth = Self.parse(fields[2], 1...31)!
        months = Self.parse(Self.numbered(fields[3], names: Self.monthNames, first: 1)!, 1...12)!
        daysOfWeek = Set(Self.parse(Self.numbered(fields[4], names: Self.weekdayNames, first: 0)!, 0...7)!.map { $0 % 7 })
        dayOfMonthRestricted = fields[2] != "*"
        dayOfWeekRestricted = fields[4] != "*"
    }

    /// Why `expression` is not a valid schedule, or nil when it is.
    package static func problem(in expression: String) -> String? {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("@"), macros[trimmed.lowercased()] == nil {
            return "\"\(trimmed)\" is not a cron macro (one of: \(macroNames.joined(separator: ", ")))"
        }
        let fields = fields(of: expression)
        guard fields.count == 5 else { return "expected 5 fields (minute hour day month weekday), found \(fields.count)" }
        let names = ["minute", "hour", "day of month", "month", "day of week"]
        let ranges = [0...59, 0...23, 1...31, 1...12, 0...7]
        let spelled = [fields[0], fields[1], fields[2], numbered(fields[3], names: monthNames, first: 1),
                       numbered(fields[4], names: weekdayNames, first: 0)]
        for index in 0..<5 where spelled[index].flatMap({ parse($0, ranges[index]) }) == nil {
            let hint = switch index {
            case 3: " (or JAN-DEC)"
            case 4: " (or SUN-SAT)"
            default: ""
            }
            return "\(names[index]) \"\(fields[index])\" is outside \(ranges[index].lowerBound)-\(ranges[index].upperBound)"
                + "\(hint) or malformed"
        }
        return nil
    }

    /// The macros Vixie cron reads, as the five fields they stand for (`@reboot` has no slot, so is not one).
    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    static let macroNames = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// The five fields of `expression`, a macro read as the fields it stands for.
    static func fields(of expression: String) -> [String] {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        let expanded = macros[trimmed.lowercased()] ?? trimmed
        return expanded.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// `field` with every name of `names` (three letters, any case) replaced by its number, counted from `first`;
    /// nil when it holds letters that are not one of them.
    static func numbered(_ field: String, names: [String], first: Int) -> String? {
        var result = ""
        var word = ""
        func flush() -> Bool {
            guard !word.isEmpty else { return true }
            guard let index = names.firstIndex(of: word.lowercased()) else { return false }
            result += String(first + index)
            word = ""
            return true
        }
        for character in field {
            if character.isLetter {
                word.append(character)
            } else {
                guard flush() else { return nil }
                result.append(character)
            }
        }
        return flush() ? result : nil
    }

    static func parse(_ field: String, _ range: ClosedRange<Int>) -> Set<Int>? {
        var values: Set<Int> = []
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return nil }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else { return nil }
                step = parsed
            }
            let span: ClosedRange<Int>
            if pieces[0] == "*" {
                span = range
            } else {
                let bounds = pieces[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                guard (1...2).contains(bounds.count), let low = bounds[0], let high = bounds.count == 2 ? bounds[1] : low,
                      range.contains(low), range.contains(high), low <= high
                else { return nil }
                span = low...(pieces.count == 2 && bounds.count == 1 ? range.upperBound : high)
            }
            values.formUnion(stride(from: span.lowerBound, through: span.upperBound, by: step))
        }
        return values
    }

    func matches(_ components: DateComponents) -> Bool {
        guard let minute = components.minute, let hour = components.hour, let day = components.day,
              let month = components.month, let weekday = components.weekday
        else { return false }
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let dayOfMonth = daysOfMonth.contains(day)
        let dayOfWeek = daysOfWeek.contains(weekday - 1)  // Calendar: 1 is Sunday
        if dayOfMonthRestricted && dayOfWeekRestricted { return dayOfMonth || dayOfWeek }
        return dayOfMonth && dayOfWeek
    }

    /// The first slot strictly after `date`, in `timeZone`; nil if none within about five years.
    package func nextSlot(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.dateInterval(of: .minute, for: date)!.start.addingTimeInterval(60)
        var candidate = start
        // Minute by minute would be slow for sparse schedules: skip whole days and hours that cannot match.
        for _ in 0..<(5 * 366 * 24 * 60) {
            let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: candidate)
            if !months.contains(parts.month!) || !dayMatches(parts) {
                candidate = calendar.startOfDay(for: candidate).addingTimeInterval(86400 + 3600)
                candidate = calendar.startOfDay(for: candidate)
                continue
            }
            if !hours.contains(parts.hour!) {
                candidate = calendar.dateInterval(of: .hour, for: candidate)!.end
                continue
            }
            if matches(parts) { return candidate }
            candidate = candidate.addingTimeInterval(60)
        }
        return nil
    }

    private func dayMatches(_ parts: DateComponents) -> Bool {
        let dayOfMonth = daysOfMonth.contains(parts.day!)
        let dayOfWeek = daysOfWeek.contains(parts.weekday! - 1)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dayOfMonth || dayOfWeek }
        return dayOfMonth && dayOfWeek
    }
}
