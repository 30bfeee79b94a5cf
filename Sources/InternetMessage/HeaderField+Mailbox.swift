import Foundation

extension HeaderField {
    /// Appends a mailbox list (RFC 5322 §3.4): the mailboxes separated by commas, folding between them.
    mutating func appendMailboxes(_ mailboxes: [MailAddress]) {
        for (index, mailbox) in mailboxes.enumerated() {
            appendMailbox(mailbox, followedBy: index < mailboxes.count - 1 ? "," : "")
        }
    }

    /// Appends `display-name <address>`, or the bare address when there is no display name, then `suffix`.
    private mutating func appendMailbox(_ mailbox: MailAddress, followedBy suffix: String) {
        guard let displayName = mailbox.displayName, !displayName.isEmpty else {
            append(mailbox.address + suffix)
            return
        }
        appendPhrase(displayName)
        append("<\(mailbox.address)>" + suffix)
    }

    /// Appends a display name as an RFC 5322 §3.2.5 phrase, in the plainest form that reads back exactly.
    ///
    /// Words made only of atext, separated by single spaces, go as they are (`CaseWatch Alerts`). Other printable
    /// ASCII goes as one quoted-string with `"` and `\` escaped (`"Watch, Case"`), folded at its spaces, which
    /// RFC 5322 §3.2.4 allows and unfolding undoes. Anything else, or a name too long to fold within the width,
    /// goes as encoded-words, which RFC 2047 §5 (3) allows in place of a phrase word.
    private mutating func appendPhrase(_ name: String) {
        if Self.isVerbatimText(name) {
            let atoms = name.split(separator: " ", omittingEmptySubsequences: false)
            let isAtoms = atoms.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(FieldSyntax.isAtext) }
            if appendIfFits(Self.spacedWords(isAtoms ? name : Self.quoted(name))) { return }
        }
        appendEncoded(name)
    }

    /// `text` as an RFC 5322 §3.2.4 quoted-string.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
