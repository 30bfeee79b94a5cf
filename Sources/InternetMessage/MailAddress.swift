/// One mailbox: an addr-spec such as `alerts@example.org` and an optional display name such as `CaseWatch`.
///
/// Only the common form of the RFC 5322 §3.4.1 addr-spec is accepted: a dot-atom local part of at most 64 octets
/// (RFC 5321 §4.5.3.1.1) and a domain of letter-digit-hyphen labels with at least one dot, or `localhost`. Quoted
/// local parts, domain literals and non-ASCII addresses (RFC 6531) are refused: they are rare, and each would need
/// rules of its own to be written into a header safely. The display name may be any text without CR, LF or NUL;
/// quoting or encoding it is the message's job.
///
/// The properties stay settable; ``EmailMessage/encoded(boundarySeed:)`` checks them again, so a value changed after
/// `init` cannot slip a line break into a header.
public struct MailAddress: Sendable, Equatable {
    public var displayName: String?
    public var address: String

    /// Checks `address` and `displayName` as described above; errors name the field `address` or `display name`.
    public init(address: String, displayName: String? = nil) throws(MessageError) {
        try Self.validate(addrSpec: address, field: "address")
        if let displayName {
            try FieldSyntax.refuseLineBreaks(in: displayName, field: "display name")
        }
        self.address = address
        self.displayName = displayName
    }
}
