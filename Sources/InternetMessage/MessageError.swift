/// Why a message or an address could not be built: the header at fault and what is wrong with it.
///
/// `field` is the header's name (`Subject`, `To`, `Auto-Submitted`), or `address` / `display name` when
/// ``MailAddress`` itself is refused. Neither `field` nor `reason` ever carries a raw control character from the
/// input (they are written as `\r`, `\n`, `\0`), so the error can go into a log line as it is.
public struct MessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
