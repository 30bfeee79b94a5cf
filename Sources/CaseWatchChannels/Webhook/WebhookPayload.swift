import CaseWatchModel
/// The JSON body of a webhook (`schemas/webhook-payload.v1.json`): the event, the case as it stands,
/// what changed, and who it is for.
///
/// Written with ``JSONWriter`` because it is built once per delivery; keys keep SPEC's order.
package enum WebhookPayload {
    package static let version = 1

    package static func body(event: CaseEvent, subscriber: Subscriber, summary: String) -> [UInt8] {
        body(sharedPrefix: sharedPrefix(event: event), subscriber: subscriber, summary: summary)
    }

    /// The body for `subscriber` from the event's ``sharedPrefix(event:)``, in an array of exactly its size.
    static func body(sharedPrefix prefix: [UInt8], subscriber: Subscriber, summary: String) -> [UInt8] {
        var tail = JSONWriter(capacity: 64 + subscriber.id.utf8.count + summary.utf8.count, afterValue: true)
        tail.field("subscriber", subscriber.id)
        tail.field("language", subscriber.language.rawValue)
        tail.field("summary", summary)
        let tailBytes = tail.bytes
        return [UInt8](unsafeUninitializedCapacity: prefix.count + tailBytes.count + 1) { buffer, initialized in
            var index = 0
            for octets in [prefix, tailBytes] {
                octets.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress else { return }
                    (buffer.baseAddress! + index).initialize(from: base, count: source.count)
                    index += source.count
                }
            }
            buffer[index] = UInt8(ascii: "}")
            initialized = index + 1
        }
    }

    /// The part of the body that is the same for every subscriber of `event`: the opening brace and every key up
    /// to `change`, whose value it ends with (the subscriber's keys follow it, then the closing brace).
    static func sharedPrefix(event: CaseEvent) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        let legalCase = event.snapshot
        writer.openObject { json in
            json.field("id", event.id)
            json.field("type", event.type.rawValue)
            json.key("version")
            json.int(version)
            json.field("occurred_on", event.occurredOn?.description)
            json.field("detected_at", Timestamp.iso8601(event.detectedAt))
            json.key("case")
            json.object { json in
                json.field("id", legalCase.id)
                json.key("subject")
                json.object { json in
                    json.field("kind", legalCase.subject.kind.rawValue)
                    json.key("name")
                    json.object { json in
                        for key in legalCase.subject.name.keys.sorted() { json.field(key, legalCase.subject.name[key]!) }
                    }
                }
                json.field("country", legalCase.country)
                json.field("type", legalCase.type.rawValue)
                json.field("status", legalCase.status.rawValue)
                json.field("outcome", legalCase.outcome?.rawValue)
                json.field("claimant", legalCase.claimant)
                json.field("court", legalCase.court)
                json.field("case_number", legalCase.caseNumber)
                json.key("next_hearing")
                if let hearing = legalCase.nextHearing { hearing.writeJSON(into: &json) } else { json.null() }
                json.field("sources", strings: legalCase.sources)
                json.field("tags", strings: legalCase.tags)
            }
            json.key("change")
            writeChange(event.change, into: &json)
        }
        return writer.bytes
    }

    /// Only the keys that apply to the event's type are written.
    static func writeChange(_ change: CaseChange, into writer: inout JSONWriter) {
        writer.object { json in
            if let from = change.from { json.field("from", from.rawValue) }
            if let to = change.to { json.field("to", to.rawValue) }
            if change.from != nil || change.to != nil { json.field("outcome", change.outcome?.rawValue) }
            if let hearing = change.hearing {
                json.key("hearing")
                hearing.writeJSON(into: &json)
            }
            if let days = change.daysBefore {
                json.key("days_before")
                json.int(days)
            }
            if let fields = change.fields { json.field("fields", strings: fields) }
        }
    }
}
