import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// Telegram's progress: every engine keeps split entries' messages sent and moved chats where the next process
/// finds them.
extension StoreConformance {
    static let telegramChecks: [Check] = [
        Check(name: "telegram progress: messages sent of a split entry are kept until all are, a moved chat is kept") { store in
            try await onLaneThread {
                try expectEqual(try store.telegramPartsSent(messageID: "m1"), 0, "nothing recorded")
                try store.recordTelegramParts(messageID: "m1", sent: 1, of: 3, now: Fixture.now)
                try store.recordTelegramParts(messageID: "m1", sent: 2, of: 3, now: Fixture.now)
                try store.recordTelegramParts(messageID: "m2", sent: 1, of: 2, now: Fixture.now)
                try expectEqual(try store.telegramPartsSent(messageID: "m1"), 2, "two of three sent")
                try store.recordTelegramParts(messageID: "m1", sent: 3, of: 3, now: Fixture.now)
                try expectEqual(try store.telegramPartsSent(messageID: "m1"), 0, "all sent: forgotten")
                try expectEqual(try store.telegramPartsSent(messageID: "m2"), 1, "another entry's")

                try expectEqual(try store.telegramChatMigration(of: "-4001"), nil, "no move recorded")
                try store.recordTelegramChatMigration(from: "-4001", to: "-1009990001", now: Fixture.now)
                try store.recordTelegramChatMigration(from: "-4002", to: "-1009990002", now: Fixture.now)
                try store.recordTelegramChatMigration(from: "-4002", to: "-1009990003", now: Fixture.now)
                try expectEqual(try store.telegramChatMigration(of: "-4001"), "-1009990001", "the new id")
                try expectEqual(try store.telegramChatMigration(of: "-4002"), "-1009990003", "the latest move")
                try expectEqual(try store.telegramChatMigration(of: "-1009990001"), nil, "the new chat has not moved")
            }
        },
        Check(name: "erasing a telegram chat forgets its moves") { store in
            try await onLaneThread {
                try store.recordTelegramChatMigration(from: "-4001", to: "-1009990001", now: Fixture.now)
                try store.recordTelegramChatMigration(from: "-4005", to: "-1009990005", now: Fixture.now)
            }
            _ = try await store.erase(subscriberID: "desk", addresses: [ChannelAddress(channel: .telegram, address: "-4001")],
                                      now: Fixture.now)
            try await onLaneThread {
                try expectEqual(try store.telegramChatMigration(of: "-4001"), nil, "the erased chat's move")
                try expectEqual(try store.telegramChatMigration(of: "-4005"), "-1009990005", "another chat's")
            }
        },
    ]
}
