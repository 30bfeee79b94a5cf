import CaseWatchModel
import InputFormats

/// `rate` of a webhook or a Matrix room: `N/s`, `N/min` or `N/h`, how many messages that endpoint takes per period.
extension SubscriberDecoder {
    /// The endpoint's `rate`, nil when it gives none; a value that is not a rate is reported (file, line, field).
    func decodeRate(_ fields: inout MapReader) -> Rate? {
        guard let text = fields.string("rate") else { return nil }
        switch Rate.parse(text) {
        case .success(let rate):
            return rate
        case .failure(let problem):
            log.error(problem.description, field: fields.fieldPath("rate"), line: fields.node("rate")?.line)
            return nil
        }
    }
}
