import CaseWatchModel
import Foundation

/// How the console writes values: dates, and endpoints with whatever could be a credential left out.
enum ConsoleText {
    static func queryEscaped(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// An endpoint as the console shows it: a URL as its origin and a digest of the rest (``EndpointAddress/shown(_:)``),
    /// anything else as it is.
    static func endpoint(_ address: String) -> String {
        EndpointAddress.shown(address)
    }

    static func date(_ date: Date?) -> String {
        date.map(Timestamp.iso8601) ?? ""
    }
}
