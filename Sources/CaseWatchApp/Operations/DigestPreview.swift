import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSources
import CaseWatchStore
import Foundation
import InputFormats

/// `preview --digest`: the digest a subscriber would get at their next slot, from the events pending for it now,
/// composed by each of their channels read by people (e-mail, Matrix, Telegram) but neither sent nor recorded.
///
/// It reads the digest's progress without starting it: a subscriber no cycle has seen yet has nothing pending (a
/// new digest subscriber is never sent the past), and the preview says so rather than showing an empty message.
package struct DigestPreview: Sendable {
    package let configuration: Configuration
    package let environment: ProcessEnvironment

    package init(configuration: Configuration, environment: ProcessEnvironment) {
        self.configuration = configuration
        self.environment = environment
    }

    /// Comment lines (the slot, the events pending), then each channel's digest as a person reads it; when nothing
    /// is pending, the comment lines alone, the last one saying that nothing would be sent.
    ///
    /// - Throws: ``InputError`` when the subscriber does not exist, takes no digest, or lacks `channel`.
    package func render(subscriberID: String, channel: ChannelID? = nil,
                        store: any DigestStore & EventLog & SuppressionStore & SettingStore, now: Date = Date())
        async throws -> [String]
    {
        let inputs = try await PipelineInputs.load(configuration: configuration, environment: environment)
        let planner = try await inputs.planner(store: store, environment: environment)
        guard let reader = planner.subscribers.first(where: { $0.id == subscriberID }) else {
            throw InputError([InputProblem(file: configuration.subscribersPath, line: nil, field: "--subscriber",
                                           message: "no subscriber \(subscriberID)")])
        }
        guard reader.delivery == .digest, let expression = reader.digest, let schedule = CronSchedule(expression) else {
            throw InputError([InputProblem(
                file: reader.file, line: nil, field: "delivery",
                message: "\(subscriberID) gets each alert as it comes (delivery: immediate), not digests: "
                    + "preview --case ID --subscriber \(subscriberID) shows an alert")])
        }
        let channels = try ChannelPreview.selected(channel, of: reader).filter(AlertPlanner.digestChannels.contains)
        var lines = ["# digest of \(reader.id) (\(expression), \(reader.timezone))"]
        guard !channels.isEmpty else {
            return lines + ["# \(reader.id) has no e-mail, Matrix or Telegram endpoint: digests go to people's channels, "
                            + "a webhook gets each alert at once; nothing would be sent"]
        }
        guard let state = try await store.digestProgress(subscriberID: subscriberID) else {
            return lines + ["# no digest started yet: the next cycle starts it, and only events detected from then "
                            + "on go into it; nothing is pending, so nothing would be sent"]
        }
        let slot = DigestSchedule.dueSlot(schedule, timeZone: reader.timeZone, state: state, now: now)
            ?? schedule.nextSlot(after: state.lastSlotAt, in: reader.timeZone)
        guard let slot else { return lines + ["# \"\(expression)\" never comes: nothing would be sent"] }
        let events = try await store.events(afterSeq: state.lastEventSeq).map(\.event)
            .filter { $0.withdrawal == nil && Router.match($0, reader.filter) != nil }
        lines.append("# next slot: \(Timestamp.iso8601(slot)) (\(Self.local(slot, in: reader.timeZone))); "
                     + "covers events since \(Timestamp.iso8601(state.lastSlotAt))")
        guard !events.isEmpty else {
            return lines + ["# no events pending: nothing has matched since the last digest, so nothing would be sent "
                            + "at that slot"]
        }
        lines.append("# \(events.count) event\(events.count == 1 ? "" : "s") pending:")
        lines += events.map { "#   \($0.summaryLine)" }
        let suppressions = try await store.suppressions()
        for id in channels where suppressions.contains(reader, channel: id) {
            lines.append("# \(id): \(reader.address(on: id) ?? "") is opted out, bounced or disabled: no digest there")
        }
        var single = reader
        single.email = channels.contains(.email) ? reader.email : nil
        single.matrix = channels.contains(.matrix) ? reader.matrix : nil
        single.telegram = channels.contains(.telegram) ? reader.telegram : nil
        let drafts = try planner.digestDrafts(for: single, events: events, start: state.lastSlotAt, slot: slot,
                                              suppressions: suppressions)
        for draft in drafts {
            guard let composer = planner.channels[draft.channel] else { continue }
            lines += ["", ChannelPreview.text(of: draft, by: composer, at: slot)]
        }
        return lines
    }

    /// `2026-11-30 08:00 Europe/London`: the slot as the subscriber's clock shows it.
    static func local(_ date: Date, in timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date) + " " + timeZone.identifier
    }
}
