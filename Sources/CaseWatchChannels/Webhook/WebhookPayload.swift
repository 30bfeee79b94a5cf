import CaseWatchModel
import Foundation

/// The JSON body of a webhook: the event, the case as it stands, what changed, and who it is for.
///
/// Version 1 (`schemas/webhook-payload.v1.json`, the default) is CaseWatch 1's body, kept for the receivers written
/// for it: only its event types, statuses, outcomes and case types, what version 2 added mapped to its neighbour
/// (``Version1``), and a change's outcome taken from its step. Version 2 (`schemas/webhook-payload.v2.json`) carries
/// the step, the changes, the correction's link, the lateness and the evidence as SPEC gives them.
///
/// Written with ``JSONWriter`` because it is built once per delivery; keys keep SPEC's order.
package enum WebhookPayload {
    /// Whether a receiver of body `version` gets events of this type at all.
    package static func delivers(_ type: EventType, version: Int) -> Bool {
        version >= 2 || EventType.version1.contains(type)
    }

    package static func body(event: CaseEvent, subscriber: Subscriber, summary: String,
                             gazetteer: Gazetteer = .empty) -> [UInt8] {
        let version = subscriber.webhook?.version ?? 1
        return body(sharedPrefix: sharedPrefix(event: event, version: version, gazetteer: gazetteer),
                    subscriber: subscriber, summary: summary)
    }

    /// The body for `subscriber` from the event's ``sharedPrefix(event:version:gazetteer:)``, in an array of exactly
    /// its size.
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

    /// The part of the body that is the same for every subscriber of `event` who takes body `version`: the opening
    /// brace and every key up to the subscriber's (which follow it, then the closing brace).
    static func sharedPrefix(event: CaseEvent, version: Int, gazetteer: Gazetteer) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        if version >= 2 {
            writeVersion2(event, gazetteer: gazetteer, into: &writer)
        } else {
            writeVersion1(event, gazetteer: gazetteer, into: &writer)
        }
        return writer.bytes
    }

    // MARK: Version 1

    private static func writeVersion1(_ event: CaseEvent, gazetteer: Gazetteer, into writer: inout JSONWriter) {
        let legalCase = event.snapshot
        writer.openObject { json in
            json.field("id", event.id)
            json.field("type", event.type.rawValue)
            json.key("version")
            json.int(1)
            json.field("occurred_on", event.occurredOn.flatMap { $0.isComplete ? $0.description : nil })
            json.field("detected_at", Timestamp.iso8601(event.detectedAt))
            json.key("case")
            json.object { json in
                json.field("id", legalCase.id)
                json.key("subject")
                json.object { json in
                    json.field("kind", legalCase.subject.kind == .person ? "person" : "organisation")
                    json.key("name")
                    json.object { json in
                        for key in legalCase.subject.name.keys.sorted() { json.field(key, legalCase.subject.name[key]!) }
                    }
                }
                json.field("country", legalCase.country)
                json.field("type", Version1.type(legalCase.type))
                json.field("status", Version1.status(legalCase.status))
                json.field("outcome", legalCase.outcome.map(Version1.outcome))
                json.field("claimant", gazetteer.name(legalCase.claimant, in: .en))
                json.field("court", gazetteer.name(legalCase.court, in: .en))
                json.field("case_number", legalCase.caseNumber)
                json.key("next_hearing")
                writeHearing(legalCase.nextHearing, gazetteer: gazetteer, into: &json)
                json.field("sources", strings: legalCase.sources)
                json.field("tags", strings: legalCase.tags)
            }
            json.key("change")
            let change = event.change
            json.object { json in
                if let from = change.from { json.field("from", Version1.status(from)) }
                if let to = change.to { json.field("to", Version1.status(to)) }
                if change.from != nil || change.to != nil {
                    // The outcome of the step that made the change, never one an earlier step had.
                    let outcome = change.step.map(\.outcome) ?? change.outcome
                    json.field("outcome", outcome.map(Version1.outcome))
                }
                if let hearing = change.hearing {
                    json.key("hearing")
                    writeHearing(hearing, gazetteer: gazetteer, into: &json)
                }
                if let days = change.daysBefore {
                    json.key("days_before")
                    json.int(days)
                }
                if let fields = change.fields {
                    json.field("fields", strings: fields.filter(Version1.fields.contains))
                }
            }
        }
    }

    // MARK: Version 2

    private static func writeVersion2(_ event: CaseEvent, gazetteer: Gazetteer, into writer: inout JSONWriter) {
        let legalCase = event.snapshot
        writer.openObject { json in
            json.field("id", event.id)
            json.field("type", event.type.rawValue)
            json.key("version")
            json.int(2)
            json.field("occurred_on", event.occurredOn?.description)
            json.field("detected_at", Timestamp.iso8601(event.detectedAt))
            json.key("late")
            json.bool(event.change.late == true)
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
                    json.field("websites", strings: legalCase.subject.websites)
                }
                json.field("country", legalCase.country)
                json.field("type", legalCase.type.rawValue)
                json.field("status", legalCase.status.rawValue)
                json.field("outcome", legalCase.outcome?.rawValue)
                json.key("claimant")
                writeReference(legalCase.claimant, gazetteer: gazetteer, into: &json)
                json.key("court")
                writeReference(legalCase.court, gazetteer: gazetteer, into: &json)
                json.field("case_number", legalCase.caseNumber)
                json.key("next_hearing")
                writeHearing(legalCase.nextHearing, gazetteer: gazetteer, version: 2, into: &json)
                json.field("related", strings: legalCase.related)
                json.field("sources", strings: legalCase.sources)
                json.field("tags", strings: legalCase.tags)
            }
            let change = event.change
            json.key("step")
            writeStep(change.step, gazetteer: gazetteer, into: &json)
            json.key("change")
            json.object { json in
                if let from = change.from { json.field("from", from.rawValue) }
                if let to = change.to { json.field("to", to.rawValue) }
                if change.from != nil || change.to != nil { json.field("outcome", change.step?.outcome?.rawValue) }
                if event.type == .hearingScheduled || event.type == .hearingPostponed || event.type == .hearingReminder {
                    json.key("hearing")
                    writeHearing(change.hearing, gazetteer: gazetteer, version: 2, into: &json)
                }
                if let previous = change.previousHearing {
                    json.key("previous_hearing")
                    writeHearing(previous, gazetteer: gazetteer, version: 2, into: &json)
                }
                if let days = change.daysBefore {
                    json.key("days_before")
                    json.int(days)
                }
                if let announced = change.announcedStep {
                    json.key("announced_step")
                    writeStep(announced, gazetteer: gazetteer, into: &json)
                }
            }
            json.key("changes")
            json.array { json in
                for item in change.changes ?? [] {
                    json.object { json in
                        json.field("field", item.field)
                        json.field("from", item.from)
                        json.field("to", item.to)
                    }
                }
            }
            json.field("corrects", change.corrects)
            json.key("evidence")
            writeEvidence(event.evidence, into: &json)
        }
    }

    /// Where the event's facts came from: `{source, fetched_at, as_of, sha256}`, null when the event has none (one
    /// recorded by the release before, or about a case whose source is not known).
    private static func writeEvidence(_ evidence: Evidence?, into json: inout JSONWriter) {
        guard let evidence else {
            json.null()
            return
        }
        json.object { json in
            json.field("source", evidence.source)
            json.field("fetched_at", evidence.fetchedAt.map(Timestamp.iso8601))
            json.field("as_of", evidence.asOf?.description)
            json.field("sha256", evidence.sha256)
        }
    }

    /// A court or authority: `{id, name: {en, ru, fr}}` for a gazetteer id, `{id: null, name: …}` for a name.
    private static func writeReference(_ reference: LocalizedText?, gazetteer: Gazetteer, into json: inout JSONWriter) {
        guard let reference else {
            json.null()
            return
        }
        json.object { json in
            let authority = gazetteer.authority(reference)
            json.field("id", authority?.id)
            json.key("name")
            json.object { json in
                let names = authority?.name ?? reference.texts
                for key in names.keys.sorted() { json.field(key, names[key]!) }
            }
        }
    }

    private static func writeStep(_ step: CaseStep?, gazetteer: Gazetteer, into json: inout JSONWriter) {
        guard let step else {
            json.null()
            return
        }
        json.object { json in
            json.field("date", step.date.description)
            json.field("status", step.status.rawValue)
            json.field("outcome", step.outcome?.rawValue)
            json.key("court")
            writeReference(step.court, gazetteer: gazetteer, into: &json)
            json.key("authority")
            writeReference(step.authority, gazetteer: gazetteer, into: &json)
            json.field("effects", strings: step.effects.map(\.rawValue))
            json.field("deadline", step.deadline?.description)
            json.field("document", step.document)
            if let note = step.note {
                json.key("note")
                json.object { json in
                    for key in note.texts.keys.sorted() { json.field(key, note.texts[key]!) }
                }
            }
            if let measure = step.measure { json.field("measure", measure.rawValue) }
            if let sentence = step.sentence {
                json.key("sentence")
                sentence.writeJSON(into: &json)
            }
            if let reason = step.reason { json.field("reason", reason.rawValue) }
            if let legalBasis = step.legalBasis { json.field("legal_basis", legalBasis) }
            if let category = step.category { json.field("category", category) }
            if let amount = step.amount { json.key("amount"); json.int(amount) }
            if let body = step.body {
                json.key("body")
                writeReference(body, gazetteer: gazetteer, into: &json)
            }
        }
    }

    private static func writeHearing(_ hearing: Hearing?, gazetteer: Gazetteer, version: Int = 1,
                                     into json: inout JSONWriter) {
        guard let hearing else {
            json.null()
            return
        }
        json.object { json in
            json.field("date", hearing.date.description)
            json.field("time", hearing.time)
            if version >= 2 {
                json.key("court")
                writeReference(hearing.court, gazetteer: gazetteer, into: &json)
            } else {
                json.field("court", gazetteer.name(hearing.court, in: .en))
            }
        }
    }
}
