import Foundation
import InternetMessage
import FuzzDriver

exit(casewatch_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzz(data!, size) })

/// A mailbox as people write it in a subscriber file or the configuration (`CaseWatch <alerts@example.org>`). An
/// address that is accepted must then be written into a message without adding a header field.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? MailAddress(address: text)
    guard let mailbox = try? MailAddress(parsing: text) else { return 0 }
    let message = EmailMessage(
        from: mailbox, to: [mailbox], subject: "Alert", date: Date(timeIntervalSince1970: 1_700_000_000),
        messageID: "evt_fuzz.reader@example.org", textBody: "Body")
    guard let bytes = try? message.encoded(boundarySeed: "fuzz") else { return 0 }
    let names = MessageHeaderFields(bytes).fields.map(\.name)
    precondition(names.filter { $0 == "from" }.count == 1 && names.filter { $0 == "to" }.count == 1,
                 "an address changed the message's header fields: \(names)")
    precondition(bytes.allSatisfy { $0 < 0x80 }, "a header holds raw non-ASCII octets")
    return 0
}
