import CaseWatchModel
import InputFormats

extension SubscriberDecoder {
    /// `channels: [matrix, email]`: the fallback order, each channel one the file gives an endpoint for, none twice.
    func decodeFallback(_ fields: inout MapReader) -> ChannelFallback? {
        guard let items = fields.list("channels") else { return nil }
        let given = ChannelID.fallbackChoices.filter { fields.node($0.rawValue) != nil }
        var order: [ChannelID] = []
        for (index, item) in items.enumerated() {
            let field = "channels[\(index)]"
            guard case .scalar(let text, _) = item else {
                log.error("expected a channel name (email, webhook, matrix, telegram)", field: field, line: item.line)
                continue
            }
            let channel = ChannelID(rawValue: text)
            if !ChannelID.fallbackChoices.contains(channel) {
                log.error(MapReader.notOneOf(text, noun: "a channel", choices: ChannelID.fallbackChoices.map(\.rawValue)),
                          field: field, line: item.line)
            } else if !given.contains(channel) {
                log.error("\(text) is not one of this subscriber's channels: give \(text): first (it has: "
                          + given.map(\.rawValue).joined(separator: ", ") + ")", field: field, line: item.line)
            } else if order.contains(channel) {
                log.error("\(text) is listed twice: each channel once, most preferred first", field: field,
                          line: item.line)
            } else {
                order.append(channel)
            }
        }
        if items.isEmpty {
            log.error("an empty list: name the channels in order of preference, or leave channels out for every "
                      + "channel", field: "channels", line: fields.node("channels")?.line)
        }
        return order.isEmpty ? nil : ChannelFallback(order)
    }
}

extension ChannelID {
    /// What `channels:` may name: the channels a subscriber file can give an endpoint for.
    static let fallbackChoices: [ChannelID] = [.email, .webhook, .matrix, .telegram]
}
