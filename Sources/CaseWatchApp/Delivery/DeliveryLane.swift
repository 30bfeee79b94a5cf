import CaseWatchChannels
import CaseWatchModel
import Foundation

/// One lane of delivery: its own transports and their connections (curl handles), used only by the lane's
/// thread — which is what makes the unchecked `Sendable` sound.
final class DeliveryLane: @unchecked Sendable {
    let index: Int
    private let channels: ChannelRegistry
    private var transports: [ChannelID: any ChannelTransport] = [:]

    init(index: Int, channels: ChannelRegistry) {
        self.index = index
        self.channels = channels
    }

    /// Blocking: performs the whole transfer on the calling (lane) thread.
    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        guard let transport = transport(for: job.draft.channel) else {
            return SendResult(outcome: .permanent(reason: "no channel \"\(job.draft.channel)\" in this CaseWatch"))
        }
        return transport.send(job, at: now)
    }

    /// Releases the transports; closing a handle may wait for the server's goodbye (SMTP QUIT).
    func close() {
        transports.removeAll()
    }

    private func transport(for channel: ChannelID) -> (any ChannelTransport)? {
        if let transport = transports[channel] { return transport }
        guard let made = channels[channel]?.makeTransport() else { return nil }
        transports[channel] = made
        return made
    }
}
