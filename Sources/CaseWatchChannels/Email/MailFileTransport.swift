import CaseWatchModel
import Foundation

/// The embedded default for e-mail: each message written as `<directory>/<Message-ID>.eml`.
final class MailFileTransport: ChannelTransport {
    private let directory: URL

    init(directory: URL) {
        self.directory = directory
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        let name = FileName.safe(job.draft.messageID) + ".eml"
        do {
            try AtomicFile.write(Data(job.draft.payload), to: directory.appendingPathComponent(name))
            return SendResult(outcome: .delivered(detail: "written \(name)"), code: nil)
        } catch {
            return SendResult(outcome: .retryable(reason: "cannot write \(name): \(error.localizedDescription)"), code: nil)
        }
    }
}
