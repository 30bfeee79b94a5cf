import Mustache
import CaseWatchModel

/// Mustache values written inside JSON strings: quotes, backslashes and control characters escaped,
/// so a webhook template of a subscriber's own (`"title": "{{summary}}"`) always gives valid JSON.
struct JSONContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    /// Registers the type under `JSON` once, for the `{{% CONTENT_TYPE: JSON }}` pragma.
    static let register: Void = MustacheContentTypes.register(JSONContentType(), named: "JSON")
}
