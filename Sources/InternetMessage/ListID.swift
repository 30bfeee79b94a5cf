import Foundation

/// A `List-Id` (RFC 2919): `Phrase <list-label.namespace>`, which mailbox providers use to group a sender's mail and
/// to filter it, and which Gmail expects of bulk senders beside one-click unsubscribe.
public enum ListID {
    /// The list's id made from the sender's address: its display name (when it can stand unquoted) and
    /// `<local-part.domain>`, so `CaseWatch <alerts@example.org>` gives `CaseWatch <alerts.example.org>`.
    public static func derived(from sender: MailAddress) -> String {
        let parts = sender.address.split(separator: "@", maxSplits: 1)
        let id = parts.count == 2 ? "\(parts[0]).\(parts[1])" : "casewatch.\(sender.address)"
        guard let name = sender.displayName, isPhrase(name) else { return "<\(id)>" }
        return "\(name) <\(id)>"
    }

    /// What is wrong with a `List-Id` value, or nil when it is `[phrase] <id>`: a phrase of plain ASCII words and an
    /// id of dot-separated atoms with at least one dot (RFC 2919 §2).
    public static func problem(in value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            return "\"\(FieldSyntax.visible(value))\" is not a list id: write it as `Name <label.example.org>` (RFC 2919)"
        }
        let id = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let phrase = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        let labels = id.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
              labels.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(FieldSyntax.isAtext) })
        else {
            return "\"<\(FieldSyntax.visible(String(id)))>\" is not a list id: dot-separated words with at least one "
                + "dot, like <alerts.example.org>"
        }
        guard phrase.isEmpty || isPhrase(phrase) else {
            return "the name before <\(id)> must be plain ASCII words (letters, digits, spaces)"
        }
        return nil
    }

    /// Whether `text` can stand as an unquoted phrase: atoms of ASCII `atext` separated by spaces.
    private static func isPhrase(_ text: String) -> Bool {
        !text.isEmpty
            && text.split(separator: " ").allSatisfy { word in word.unicodeScalars.allSatisfy(FieldSyntax.isAtext) }
    }
}
