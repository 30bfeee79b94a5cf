import Foundation

/// Telegram takes about one message a second per chat: the messages of a split alert are sent at least `interval`
/// apart. The wait is injected so that tests can watch it without waiting.
package struct TelegramPacing: Sendable {
    package var interval: TimeInterval
    package var sleep: @Sendable (TimeInterval) -> Void

    package init(interval: TimeInterval, sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.interval = interval
        self.sleep = sleep
    }

    /// A second between the messages to one chat, as Telegram asks.
    package static let telegram = TelegramPacing(interval: 1)
}
