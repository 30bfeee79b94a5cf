import CaseWatchModel
import CaseWatchSources
import CaseWatchStore
import Foundation
import InputFormats

/// `casewatch subscribers`: who gets what (the subscriber files) and what the store holds for them (opt-outs,
/// bounces, disabled endpoints, choices made on the preference page), and the operator's levers on it.
package struct SubscriberRoster: Sendable {
    /// One subscriber as the operator sees it.
    package struct View: Sendable, Codable, Equatable {
        package struct Endpoint: Sendable, Codable, Equatable {
            package var channel: ChannelID
            package var address: String
            /// `active`, or the opt-out's kind (`unsubscribed`, `bounced`, `disabled`, `erased`).
            package var state: String
            package var reason: String?
            package var detail: String?
            package var since: String?
        }

        package var id: String
        package var name: String
        package var language: Language
        package var delivery: String
        package var digest: String?
        package var timezone: String
        package var file: String
        package var filter: [String: [String]]
        package var endpoints: [Endpoint]
        /// What the subscriber chose on the preference page (they override the file until `reset`).
        package var preferences: [String: String]
    }

    package let configuration: Configuration
    package let store: any StateStore

    package init(configuration: Configuration, store: any StateStore) {
        self.configuration = configuration
        self.store = store
    }

    /// The subscribers of the configuration's files, read without their secrets.
    package func subscribers() -> [Subscriber] {
        SubscriberDirectory(configuration: configuration).load(environment: nil).subscribers.sorted { $0.id < $1.id }
    }

    package func subscriber(_ id: String) throws -> Subscriber {
        guard let subscriber = subscribers().first(where: { $0.id == id }) else {
            throw InputError([InputProblem(file: configuration.subscribersPath, line: nil, field: nil,
                                           message: "no subscriber \"\(id)\"")])
        }
        return subscriber
    }

    package func views() async throws -> [View] {
        let suppressions = try await store.suppressions()
        let optOuts = try await store.optOuts()
        var result: [View] = []
        for subscriber in subscribers() {
            result.append(try await view(subscriber, optOuts: optOuts, suppressions: suppressions))
        }
        return result
    }

    package func view(_ id: String) async throws -> View {
        try await view(try subscriber(id), optOuts: try await store.optOuts(), suppressions: try await store.suppressions())
    }

    private func view(_ subscriber: Subscriber, optOuts: [OptOut], suppressions: Suppressions) async throws -> View {
        let endpoints = subscriber.channels.compactMap { channel -> View.Endpoint? in
            guard let address = subscriber.address(on: channel) else { return nil }
            let normalized = EndpointAddress.normalized(address, channel: channel)
            if let optOut = optOuts.first(where: { $0.channel == channel && $0.address == normalized }) {
                return View.Endpoint(channel: channel, address: address, state: optOut.kind.rawValue, reason: optOut.reason,
                                     detail: optOut.detail, since: optOut.since)
            }
            if suppressions.contains(address: address, channel: channel) {
                return View.Endpoint(channel: channel, address: address, state: OptOut.Kind.erased.rawValue,
                                     reason: "erased on request", detail: nil, since: nil)
            }
            return View.Endpoint(channel: channel, address: address, state: "active", reason: nil, detail: nil, since: nil)
        }
        var filter: [String: [String]] = [:]
        let rules = subscriber.filter
        if let countries = rules.countries { filter["countries"] = countries }
        if let types = rules.types { filter["types"] = types.map(\.rawValue) }
        if let events = rules.events { filter["events"] = events.map(\.rawValue) }
        if let statuses = rules.statuses { filter["statuses"] = statuses.map(\.rawValue) }
        if let cases = rules.cases { filter["cases"] = cases }
        if let tags = rules.tags { filter["tags"] = tags }
        let preferences = try await store.settings(withPrefix: Self.preferencesPrefix(subscriber.id))
        return View(id: subscriber.id, name: subscriber.name, language: subscriber.language,
                    delivery: subscriber.delivery.rawValue, digest: subscriber.digest, timezone: subscriber.timezone,
                    file: subscriber.file, filter: filter, endpoints: endpoints,
                    preferences: Dictionary(uniqueKeysWithValues: preferences.map {
                        (String($0.key.dropFirst(Self.preferencesPrefix(subscriber.id).count)), $0.value)
                    }))
    }

    /// The settings that hold a subscriber's choices: `preferences:<id>:<choice>`.
    package static func preferencesPrefix(_ subscriberID: String) -> String {
        SubscriberPreferences.prefix(subscriberID)
    }

    /// Drops the choices made on the preference page; returns how many there were.
    package func reset(_ id: String) async throws -> Int {
        _ = try subscriber(id)
        let choices = try await store.settings(withPrefix: Self.preferencesPrefix(id))
        for key in choices.keys { try await store.setSetting(key, nil) }
        return choices.count
    }

    /// Erases `id`'s data from the store: its messages, attempts, opt-outs, digest progress and choices, keeping
    /// only salted hashes of its addresses so that they stay unsubscribed.
    package func erase(_ id: String, now: Date) async throws -> EraseReport {
        var addresses = try await store.recipients(subscriberID: id)
        if let subscriber = subscribers().first(where: { $0.id == id }) {
            for channel in subscriber.channels {
                if let address = subscriber.address(on: channel) {
                    addresses.insert(ChannelAddress(channel: channel, address: address))
                }
            }
        }
        guard !addresses.isEmpty else {
            throw InputError([InputProblem(file: configuration.subscribersPath, line: nil, field: nil,
                                           message: "no subscriber \"\(id)\" in the files or the store")])
        }
        return try await store.erase(subscriberID: id, addresses: addresses, now: now)
    }
}
