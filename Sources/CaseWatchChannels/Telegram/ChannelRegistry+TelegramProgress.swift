import CaseWatchPipeline

extension ChannelRegistry {
    /// The same channels, Telegram's keeping its split entries' progress and moved chats in `progress` (the store).
    package func keepingTelegramProgress(in progress: any TelegramProgressStore) -> ChannelRegistry {
        ChannelRegistry(channels.map { channel -> any AlertChannel in
            guard var telegram = channel as? TelegramChannel else { return channel }
            telegram.progress = progress
            return telegram
        })
    }
}
