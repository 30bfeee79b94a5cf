import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchStore
import Foundation

/// The subscriber's own page (`/preferences`, reached through the signed link in every e-mail's footer): language,
/// immediate or digest (and its schedule), a pause, cases no longer followed. The choices are kept in the store and
/// take precedence over the subscriber file until the operator resets them.
package struct PreferencePage: Sendable {
    package let store: any StateStore
    package let templates: TemplateSet

    package init(store: any StateStore, templates: TemplateSet) {
        self.store = store
        self.templates = templates
    }

    /// The form, filled with what holds now (the file's settings under the subscriber's choices).
    package func form(for subscriber: Subscriber, url: String, badDigest: Bool = false, now: Date) async throws -> String {
        let preferences = try await choices(of: subscriber.id)
        let effective = preferences.applied(to: subscriber)
        let labels: [(Language, String)] = [(.en, "English"), (.ru, "Русский"), (.fr, "Français")]
        var cases: [[String: Any]] = []
        for (id, name) in try await followedCases(of: subscriber, unfollowed: preferences.unfollowed, language: effective.language) {
            cases.append(["id": id, "name": name, "unfollowed": preferences.unfollowed.contains(id)])
        }
        let paused = effective.pausedUntil.flatMap { $0 > now ? $0 : nil }
        let values: [String: Any] = [
            "subscriber_name": subscriber.name,
            "preferences_url": url,
            "languages": labels.map { ["code": $0.0.rawValue, "name": $0.1, "chosen": $0.0 == effective.language] },
            "immediate": effective.delivery == .immediate,
            "digest": effective.digest ?? "0 8 * * 1-5",
            "timezone": subscriber.timezone,
            "paused_until": paused.map { Timestamp.iso8601($0) } ?? false,
            "has_cases": !cases.isEmpty,
            "cases": cases,
            "bad_digest": badDigest,
        ]
        return templates.renderPage(.preferencesPage, language: effective.language, values: values)
    }

    /// What the form sent (`application/x-www-form-urlencoded`): the choices to keep, or nil when the digest
    /// schedule is not a cron expression (nothing is changed then).
    package static func choices(from form: [(String, String)], current: SubscriberPreferences, now: Date)
        -> SubscriberPreferences?
    {
        var preferences = current
        var unfollowed: Set<String> = []
        var sawCases = false
        for (name, value) in form {
            switch name {
            case "language": preferences.language = Language(rawValue: value) ?? preferences.language
            case "delivery": preferences.delivery = Subscriber.Delivery(rawValue: value) ?? preferences.delivery
            case "digest":
                let schedule = value.trimmingCharacters(in: .whitespaces)
                if !schedule.isEmpty {
                    guard CronSchedule.problem(in: schedule) == nil, CronSchedule(schedule) != nil else { return nil }
                    preferences.digest = schedule
                }
            case "pause":
                let days: Double? = ["7d": 7, "30d": 30, "90d": 90][value]
                if value == "none" { preferences.pausedUntil = nil }
                if let days { preferences.pausedUntil = now.addingTimeInterval(days * 86_400) }
            case "unfollow":
                sawCases = true
                if CaseIDs.isSlug(value) { unfollowed.insert(value) }
            case "cases_shown": sawCases = true
            default: continue
            }
        }
        if sawCases { preferences.unfollowed = unfollowed }
        return preferences
    }

    /// Keeps `preferences` for `subscriberID`.
    package func save(_ preferences: SubscriberPreferences, for subscriberID: String) async throws {
        let prefix = SubscriberPreferences.prefix(subscriberID)
        for (choice, value) in preferences.choices { try await store.setSetting(prefix + choice, value) }
    }

    package func choices(of subscriberID: String) async throws -> SubscriberPreferences {
        let prefix = SubscriberPreferences.prefix(subscriberID)
        let settings = try await store.settings(withPrefix: prefix)
        return SubscriberPreferences(choices: Dictionary(uniqueKeysWithValues: settings.map {
            (String($0.key.dropFirst(prefix.count)), $0.value)
        }))
    }

    /// The cases the subscriber hears about (those its filter names, those it received alerts about lately) and
    /// those it stopped following, with their names in `language`.
    private func followedCases(of subscriber: Subscriber, unfollowed: Set<String>, language: Language) async throws
        -> [(String, String)]
    {
        var ids: [String] = subscriber.filter.cases ?? []
        for entry in try await store.outboxEntries(states: nil, limit: 2_000) where entry.subscriberID == subscriber.id {
            if let event = try await store.event(id: entry.eventID), !ids.contains(event.caseID) { ids.append(event.caseID) }
            if ids.count >= 50 { break }
        }
        for id in unfollowed.sorted() where !ids.contains(id) { ids.append(id) }
        let snapshots = try await store.snapshots(ids: ids)
        return ids.map { id in (id, snapshots[id]?.subject.name(in: language) ?? id) }
    }
}

/// Case ids as case files write them.
enum CaseIDs {
    static func isSlug(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 200 && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
    }
}
