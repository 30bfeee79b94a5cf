import Foundation

/// How many messages an endpoint takes per period: `20/s`, `30/min`, `100/h` in a subscriber file.
///
/// A webhook's or a Matrix room's `rate`, and the limits Telegram sets, are held per endpoint by the delivery run's
/// throttle (``Throttle`` in CaseWatchPipeline), across every node sharing the store.
package struct Rate: Sendable, Hashable, CustomStringConvertible {
    /// Messages per period, at least 1.
    package var count: Int
    /// The period in seconds: 1, 60 or 3,600.
    package var period: TimeInterval

    package init(count: Int, period: TimeInterval) {
        self.count = max(1, count)
        self.period = period
    }

    package static func perSecond(_ count: Int) -> Rate { Rate(count: count, period: 1) }
    package static func perMinute(_ count: Int) -> Rate { Rate(count: count, period: 60) }

    /// The even spacing between two messages at this rate.
    package var interval: TimeInterval { period / Double(count) }

    /// Whether this rate lets fewer messages through than `other` over time.
    package func isSlower(than other: Rate) -> Bool { interval > other.interval }

    /// `20/s`, `30/min`, `100/h`.
    package var description: String {
        switch period {
        case 1: "\(count)/s"
        case 60: "\(count)/min"
        default: "\(count)/h"
        }
    }

    /// The units a rate may be given in, and their periods.
    static let units: [String: TimeInterval] = ["s": 1, "min": 60, "h": 3_600]

    /// Reads `N/s`, `N/min` or `N/h` (spaces around the slash allowed); the reason when it is not one.
    package static func parse(_ text: String) -> Result<Rate, RateProblem> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let period = units[parts[1]] else {
            return .failure(RateProblem("\"\(text)\" is not a rate: write N/s, N/min or N/h (e.g. 20/s)"))
        }
        guard let count = Int(parts[0]), parts[0].allSatisfy(\.isNumber) else {
            return .failure(RateProblem("\"\(text)\" is not a rate: the count before the slash must be a whole number"))
        }
        guard (1...100_000).contains(count) else {
            return .failure(RateProblem("\"\(text)\" is not a rate: the count must be between 1 and 100000"))
        }
        return .success(Rate(count: count, period: period))
    }
}

/// Why a text is not a ``Rate``.
package struct RateProblem: Error, Equatable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
