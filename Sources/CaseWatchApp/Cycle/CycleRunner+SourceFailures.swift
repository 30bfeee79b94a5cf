import CaseWatchModel
import CaseWatchSources
import CaseWatchStore
import Foundation
import Metrics

/// A source that keeps failing (a feed or an official list that cannot be read, or whose layout changed) is told:
/// each failure is counted (`casewatch_source_failures_total`), and when one source has failed three cycles in a
/// row the operator gets one e-mail (`operator.email`), and no other until it has worked again.
extension CycleRunner {
    static let failingPrefix = "source-failing:"
    static let failuresBeforeNotice = 3

    func noticeFailingSources(_ failures: [String: String], store: any StateStore, planner: AlertPlanner, now: Date)
        async throws
    {
        let recorded = try await store.settings(withPrefix: Self.failingPrefix)
        for source in configuration.registry.sources.map(\.name) {
            let key = Self.failingPrefix + source
            guard let reason = failures[recordedName(of: source)] ?? failures[source] else {
                if recorded[key] != nil { try await store.setSetting(key, nil) }
                continue
            }
            Counter(label: "casewatch_source_failures_total", dimensions: [("source", source)]).increment()
            let count = (recorded[key].flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0) + 1
            let since = recorded[key].map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
                ?? Timestamp.iso8601(now)
            try await store.setSetting(key, "\(count) \(since)")
            guard count == Self.failuresBeforeNotice, let address = configuration.operatorEmail else { continue }
            logger.error("registry source keeps failing", metadata: ["source": "\(source)", "reason": "\(reason)"])
            let text = """
                The registry source \(source) has failed \(count) cycles in a row, since \(since). Its cases stay as \
                last seen: nothing is removed or announced from it until it works again.

                Last failure: \(reason)

                See: casewatch sources

                """
            // Unique per notice: two notices of one source within a second (cycles run back to back) are both sent.
            let id = "operator-source-\(ImportSlug.slug(source))-\(Int(now.timeIntervalSince1970))-\(Self.noticeSuffix())"
            if let draft = try planner.operatorNotice(
                to: address, subject: "CaseWatch: registry source \(source) keeps failing", text: text, id: id, date: now)
            {
                try await store.enqueue([draft], now: now)
            }
        }
    }

    /// Eight random hex digits that keep an operator notice's id apart from any other's: the outbox keeps one entry
    /// per id, and a notice made in the same second as an earlier one of its kind would otherwise be dropped.
    static func noticeSuffix() -> String {
        String(UInt32.random(in: .min ... .max), radix: 16)
    }

    /// The name a source's failures are recorded under: a feed by its address, anything else by its name.
    private func recordedName(of source: String) -> String {
        guard let entry = configuration.registry.sources.first(where: { $0.name == source }) else { return source }
        if case .feed(let url) = entry.kind { return url }
        return source
    }
}
