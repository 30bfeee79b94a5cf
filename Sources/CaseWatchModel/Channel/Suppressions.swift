import Crypto
import Foundation

/// An endpoint that must not be sent to: an address on a channel (an e-mail address, a webhook URL, a Matrix room's
/// address on its homeserver, a Telegram chat id), whoever the subscriber file that names it is. Kept per address, so
/// renaming a subscriber does not lift it, and changing an address starts afresh.
package struct OptOut: Sendable, Codable, Equatable {
    package enum Kind: String, Sendable, Codable, CaseIterable {
        /// The reader unsubscribed (one-click link, preference page, or the operator for them).
        case unsubscribed
        /// The relay refused the recipient for good (an SMTP 5xx at RCPT or DATA): lifted by `resubscribe`.
        case bounced
        /// The endpoint refused for good (a webhook's 410, a Matrix 403 `M_FORBIDDEN`, a Telegram bot blocked or its
        /// chat not found) or kept failing: lifted by `outbox enable`.
        case disabled
        /// The person's data was erased: only a salted hash of the address is kept, so it stays unsubscribed.
        case erased
    }

    package var channel: ChannelID
    /// The normalised address (``EndpointAddress``), or for `erased` its salted hash.
    package var address: String
    package var kind: Kind
    package var reason: String
    /// The relay's or receiver's own words, when it gave any (a bounce's reply text).
    package var detail: String?
    /// The subscriber that named the address when it happened (for the operator; not part of the key).
    package var subscriberID: String?
    package var since: String

    package init(channel: ChannelID, address: String, kind: Kind, reason: String, detail: String? = nil,
                 subscriberID: String? = nil, since: String) {
        self.channel = channel
        self.address = address
        self.kind = kind
        self.reason = reason
        self.detail = detail
        self.subscriberID = subscriberID
        self.since = since
    }

    enum CodingKeys: String, CodingKey {
        case channel, address, kind, reason, detail
        case subscriberID = "subscriber_id"
        case since
    }
}

/// How an address is compared: e-mail addresses in lower case (as mail systems treat them), other addresses as
/// written; and the salted hash an erased address is kept as.
package enum EndpointAddress {
    package static func normalized(_ address: String, channel: ChannelID) -> String {
        channel == .email ? address.lowercased() : address
    }

    /// A URL as operators' screens show it: scheme, host and port, then `/…#` and the first 8 hex digits of the
    /// whole URL's SHA-256 when it has a path, query or user info — which may hold a receiver's secret (chat
    /// services put their tokens in the path) — so that endpoints stay apart without showing any of it. Anything
    /// that is not a URL (an e-mail address, a chat id) is shown as written.
    package static func shown(_ address: String) -> String {
        guard address.contains("://"), let components = URLComponents(string: address), let host = components.host,
              let scheme = components.scheme
        else { return address }
        let origin = scheme + "://" + host + (components.port.map { ":\($0)" } ?? "")
        let rest = components.percentEncodedPath + (components.query ?? "") + (components.user ?? "")
        guard !rest.isEmpty, rest != "/" else { return origin + "/" }
        let digest = SHA256.hash(data: Data(address.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        return origin + "/…#" + digest
    }

    /// `erased:` and the SHA-256 of the store's salt, the channel and the normalised address.
    package static func erasedKey(_ address: String, channel: ChannelID, salt: String) -> String {
        let digest = SHA256.hash(data: Data((salt + "\u{0}" + channel.rawValue + "\u{0}"
            + normalized(address, channel: channel)).utf8))
        return "erased:" + digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// The endpoints switched off, by channel: consulted on every routing decision and every claim.
package struct Suppressions: Sendable, Hashable {
    private var addresses: [ChannelID: Set<String>] = [:]
    private var erased: [ChannelID: Set<String>] = [:]
    private let salt: String

    /// - Parameter salt: the store's salt for erased addresses.
    package init(_ optOuts: [OptOut] = [], salt: String = "") {
        self.salt = salt
        for optOut in optOuts {
            if optOut.kind == .erased {
                erased[optOut.channel, default: []].insert(optOut.address)
            } else {
                addresses[optOut.channel, default: []].insert(optOut.address)
            }
        }
    }

    /// Whether `address` on `channel` is switched off.
    package func contains(address: String, channel: ChannelID) -> Bool {
        let normalized = EndpointAddress.normalized(address, channel: channel)
        if addresses[channel]?.contains(normalized) == true { return true }
        guard let hashes = erased[channel], !hashes.isEmpty else { return false }
        return hashes.contains(EndpointAddress.erasedKey(address, channel: channel, salt: salt))
    }

    /// Whether `subscriber`'s endpoint on `channel` is switched off.
    package func contains(_ subscriber: Subscriber, channel: ChannelID) -> Bool {
        guard let address = subscriber.address(on: channel) else { return false }
        return contains(address: address, channel: channel)
    }

    package mutating func insert(address: String, channel: ChannelID) {
        addresses[channel, default: []].insert(EndpointAddress.normalized(address, channel: channel))
    }
}
