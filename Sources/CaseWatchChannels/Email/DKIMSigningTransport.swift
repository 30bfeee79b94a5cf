import CaseWatchModel
import Foundation

/// A mail transport whose messages are DKIM-signed on their way in: the entry's bytes as claimed (reassembled from
/// the store's shared lines, if it keeps them so), signed just before they are sent, so that what is signed is what
/// is sent. The signature's `t=` is the attempt's time.
final class DKIMSigningTransport: ChannelTransport {
    private let transport: any ChannelTransport
    private let signer: DKIMSigner

    init(_ transport: any ChannelTransport, signer: DKIMSigner) {
        self.transport = transport
        self.signer = signer
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        var signed = job
        do {
            signed.draft.payload = try signer.signed(job.draft.payload, at: now)
        } catch {
            // A key that signed at start-up does not stop signing; should it, the message waits rather than leave
            // unsigned (and be refused or filed as spam).
            return SendResult(outcome: .retryable(reason: "DKIM signing failed (\(signer)): \(error)"))
        }
        return transport.send(signed, at: now)
    }
}
