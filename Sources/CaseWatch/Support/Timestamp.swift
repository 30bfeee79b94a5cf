import Foundation

/// How CaseWatch writes instants: RFC 3339 in UTC to the second (`2026-11-26T10:00:00Z`).
enum Timestamp {
    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted)
            .dateTimeSeparator(.standard).timeSeparator(.colon).dateSeparator(.dash))
    }
}

extension JSONEncoder {
    /// Sorted keys, RFC 3339 dates: stable output for the store and for `--json`.
    static var caseWatch: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    static var caseWatch: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
