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
        return AtomicFile.deliver(Data(job.draft.payload), as: name, in: directory)
    }
}
