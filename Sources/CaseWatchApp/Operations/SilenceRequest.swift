import CaseWatchModel
import CaseWatchStore
import Foundation
import InputFormats

/// A silence the operator asks for (`silence add`, the console's form), checked before it is kept.
package struct SilenceRequest: Sendable, Equatable {
    package var matcher: Silence.Matcher
    package var value: String
    package var duration: TimeInterval
    package var reason: String

    /// Checks what the operator gave: exactly one of case, subscriber or type, a duration such as 30m, 2h or 7d,
    /// and a reason. The problem's text names the CLI's options; the console shows it as it is.
    package static func parse(caseID: String?, subscriber: String?, type: String?, duration: String, reason: String)
        -> Result<SilenceRequest, Problem>
    {
        let given = [(Silence.Matcher.case, caseID), (.subscriber, subscriber), (.type, type)]
            .compactMap { matcher, value in
                value.map { (matcher, $0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0.1.isEmpty ? nil : $0 }
            }
        guard given.count == 1, let (matcher, value) = given.first else {
            return .failure(Problem("give exactly one of --case, --subscriber, --type"))
        }
        if matcher == .type, EventType(rawValue: value) == nil {
            return .failure(Problem("--type \(value) is not an event type "
                + "(\(EventType.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        guard let seconds = DurationText.seconds(duration), seconds > 0 else {
            return .failure(Problem("--for \(duration) is not a duration such as 30m, 2h or 7d"))
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty { return .failure(Problem("--reason is required")) }
        return .success(SilenceRequest(matcher: matcher, value: value, duration: seconds, reason: reason))
    }

    /// Keeps the silence; from now on, what it matches is kept as silenced and not sent.
    package func add(to store: any SilenceStore, now: Date) async throws -> Silence {
        try await store.addSilence(matcher: matcher, value: value, until: now.addingTimeInterval(duration),
                                   reason: reason, now: now)
    }

    /// Why a request was refused.
    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package let description: String
        init(_ description: String) { self.description = description }
    }
}
