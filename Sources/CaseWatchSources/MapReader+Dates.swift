import CaseWatchModel
import InputFormats

extension MapReader {
    /// A calendar date field, `YYYY-MM-DD`.
    package mutating func date(_ key: String, required: Bool = false) -> CalendarDate? {
        guard let text = string(key, required: required) else { return nil }
        guard let date = CalendarDate(text) else {
            log.error("\"\(text)\" is not a date (expected YYYY-MM-DD)", field: fieldPath(key), line: node(key)?.line)
            return nil
        }
        return date
    }
}
