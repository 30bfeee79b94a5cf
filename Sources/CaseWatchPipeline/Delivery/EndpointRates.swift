import CaseWatchModel

/// The rates subscriber files give their endpoints (`webhook.rate`, `matrix.rate`), by address: subscribers that
/// share an endpoint share its rate, and when their files disagree the slowest holds.
package struct EndpointRates: Sendable, Equatable {
    private var rates: [Endpoint: Rate] = [:]

    private struct Endpoint: Hashable {
        var channel: ChannelID
        var address: String
    }

    package init() {}

    package init(_ subscribers: [Subscriber]) {
        for subscriber in subscribers {
            if let webhook = subscriber.webhook, let rate = webhook.rate {
                insert(rate, channel: .webhook, address: webhook.url)
            }
            if let matrix = subscriber.matrix, let rate = matrix.rate {
                insert(rate, channel: .matrix, address: matrix.address)
            }
        }
    }

    package mutating func insert(_ rate: Rate, channel: ChannelID, address: String) {
        let endpoint = Endpoint(channel: channel, address: EndpointAddress.normalized(address, channel: channel))
        if let known = rates[endpoint], !rate.isSlower(than: known) { return }
        rates[endpoint] = rate
    }

    /// The rate set for `address` on `channel`, nil when no subscriber file sets one.
    package subscript(channel: ChannelID, address: String) -> Rate? {
        guard !rates.isEmpty else { return nil }
        return rates[Endpoint(channel: channel, address: EndpointAddress.normalized(address, channel: channel))]
    }
}
