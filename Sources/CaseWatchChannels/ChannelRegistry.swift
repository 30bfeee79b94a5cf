import CaseWatchModel

/// The channels of a run, in the order a subscriber's entries are composed (e-mail before webhook: the webhook
/// body reuses the summary line the e-mail rendered).
package struct ChannelRegistry: Sendable {
    package let channels: [any AlertChannel]
    private let index: [ChannelID: Int]

    package init(_ channels: [any AlertChannel]) {
        self.channels = channels
        index = Dictionary(channels.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    package subscript(id: ChannelID) -> (any AlertChannel)? {
        index[id].map { channels[$0] }
    }

    package var ids: [ChannelID] { channels.map(\.id) }
}
