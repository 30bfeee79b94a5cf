/// The JSON body of a webhook (`schemas/webhook-payload.v1.json`): the event, the case as it stands,
/// what changed, and who it is for.
///
/// Written with ``JSONWriter`` because it is built once per delivery; keys keep SPEC's order.
public enum WebhookPayload {
    public static let version = 1

    public static func body(event: CaseEvent, subscriber: Subscriber, summary: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        let legalCase = event.snapshot
        writer.object { json in
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
            json.field("subscriber", subscriber.id)
            json.field("language", subscriber.language.rawValue)
            json.field("summary", summary)
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
