import Foundation
import Logging
import CaseWatchModel

/// swift-log lines as JSON objects, one per line, for log collectors (`--log-format json`).
///
/// `{"time":"…","level":"warning","label":"casewatch","message":"…","subscriber.id":"…"}`: metadata
/// keys stay as they are (dotted), so `outbox.id` or `case.id` can be filtered on directly.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    private let label: String
    private let stream: FileHandle

    package init(label: String, stream: FileHandle = .standardError) {
        self.label = label
        self.stream = stream
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var writer = JSONWriter(capacity: 256)
        writer.object { json in
            json.field("time", Timestamp.iso8601(Date()))
            json.field("level", event.level.rawValue)
            json.field("label", label)
            json.field("message", event.message.description)
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            for key in merged.keys.sorted() { json.field(key, "\(merged[key]!)") }
        }
        stream.write(Data(writer.bytes + [UInt8(ascii: "\n")]))
    }
}
