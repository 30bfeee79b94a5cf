import Foundation
import InternetMessage
import FuzzDriver

exit(casewatch_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzz(data!, size) })

/// Header parsing and writing (InternetMessage): the bytes are read as a finished message's header fields and
/// canonicalised as DKIM does; read as text they become a subject, display name and extra field value, and a
/// message that accepts them must keep exactly its own fields.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let fields = MessageHeaderFields(bytes)
    precondition(fields.bodyStart <= bytes.count)
    for field in fields.fields {
        precondition(field.range.lowerBound >= 0 && field.range.upperBound <= fields.bodyStart)
        _ = DKIMCanonicalization.relaxedHeader(bytes[field.range])
    }
    _ = fields.relaxed(["from", "to", "subject", "date", "message-id", "list-id", "from"], of: bytes,
                       overSigning: ["from", "list-id"])
    _ = DKIMCanonicalization.relaxedBody(bytes[fields.bodyStart...])

    let text = String(decoding: bytes, as: UTF8.self)
    let parts = text.split(separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    guard let from = try? MailAddress(address: "alerts@example.org", displayName: parts.count > 1 ? parts[1] : nil),
          let to = try? MailAddress(address: "reader@example.org", displayName: "Reader")
    else { return 0 }
    let message = EmailMessage(
        from: from, to: [to], subject: parts[0], date: Date(timeIntervalSince1970: 1_700_000_000),
        messageID: "evt_fuzz.reader@example.org", listUnsubscribe: "https://alerts.example.org/unsubscribe?t=x",
        extraHeaders: parts.count > 2 ? [("Content-Language", parts[2])] : [], textBody: "Body")
    guard let encoded = try? message.encoded(boundarySeed: "fuzz") else { return 0 }
    let names = MessageHeaderFields(encoded).fields.map(\.name)
    for name in ["from", "to", "subject", "date", "message-id", "list-unsubscribe"] {
        precondition(names.filter { $0 == name }.count == 1, "\(name) is not written once: \(names)")
    }
    precondition(Set(names).count == names.count, "a field is written twice: \(names)")
    precondition(encoded.allSatisfy { $0 < 0x80 }, "raw non-ASCII octets in a message")
    return 0
}
