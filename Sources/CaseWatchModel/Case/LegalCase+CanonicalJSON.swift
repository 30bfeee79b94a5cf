/// The canonical JSON of a case: what the store keeps as the last-seen snapshot and what webhook
/// payloads embed.
///
/// Keys follow the case-file format; the same case always gives the same bytes, so comparing digests
/// of this text is how a run tells, without decoding anything, that a case has not changed.
/// `JSONDecoder` reads it back through `LegalCase`'s `Codable` conformance (a test keeps both in step).
extension LegalCase {
    func writeJSON(into writer: inout JSONWriter) {
        writer.object { json in
            json.field("id", id)
            json.key("subject")
            json.object { json in
                json.field("kind", subject.kind.rawValue)
                json.key("name")
                json.object { json in
                    for key in subject.name.keys.sorted() { json.field(key, subject.name[key]!) }
                }
                if !subject.websites.isEmpty { json.field("websites", strings: subject.websites) }
            }
            json.field("country", country)
            json.field("type", type.rawValue)
            json.field("status", status.rawValue)
            json.field("outcome", outcome?.rawValue)
            json.key("claimant")
            if let claimant { claimant.writeJSON(into: &json) } else { json.null() }
            json.key("court")
            if let court { court.writeJSON(into: &json) } else { json.null() }
            json.field("case_number", caseNumber)
            json.key("next_hearing")
            if let nextHearing { nextHearing.writeJSON(into: &json) } else { json.null() }
            json.key("history")
            json.array { json in
                for step in history { step.writeJSON(into: &json) }
            }
            if !related.isEmpty { json.field("related", strings: related) }
            json.field("sources", strings: sources)
            json.field("tags", strings: tags)
            if !imports.isEmpty { json.field("imports", strings: imports) }
        }
    }

    /// The canonical JSON bytes of this case.
    package var canonicalJSON: [UInt8] {
        var writer = JSONWriter()
        writeJSON(into: &writer)
        return writer.bytes
    }

    /// Replaces what `writer` holds with the canonical JSON of this case (a writer reused case after case).
    package func writeCanonicalJSON(into writer: inout JSONWriter) {
        writer.removeAll()
        writeJSON(into: &writer)
    }
}

extension Hearing {
    package func writeJSON(into writer: inout JSONWriter) {
        writer.object { json in
            json.field("date", date.description)
            json.field("time", time)
            json.key("court")
            if let court { court.writeJSON(into: &json) } else { json.null() }
        }
    }
}

extension CaseStep {
    /// The keys of CaseWatch 1 (`date`, `status`, `outcome`, `note`) always, in its order; the others only when
    /// the step has them, so a version-1 case keeps its bytes (and its digest) across the upgrade.
    package func writeJSON(into writer: inout JSONWriter) {
        writer.object { json in
            json.field("date", date.description)
            json.field("status", status.rawValue)
            json.field("outcome", outcome?.rawValue)
            json.key("note")
            if let note { note.writeJSON(into: &json) } else { json.null() }
            if let court {
                json.key("court")
                court.writeJSON(into: &json)
            }
            if let authority {
                json.key("authority")
                authority.writeJSON(into: &json)
            }
            if !effects.isEmpty { json.field("effects", strings: effects.map(\.rawValue)) }
            if let deadline { json.field("deadline", deadline.description) }
            if let document { json.field("document", document) }
            if let measure { json.field("measure", measure.rawValue) }
            if let sentence {
                json.key("sentence")
                sentence.writeJSON(into: &json)
            }
            if let reason { json.field("reason", reason.rawValue) }
            if let legalBasis { json.field("legal_basis", legalBasis) }
            if let category { json.field("category", category) }
            if let amount { json.key("amount"); json.int(amount) }
            if let body {
                json.key("body")
                body.writeJSON(into: &json)
            }
        }
    }
}

extension CaseStep {
    /// The canonical JSON bytes of this step alone.
    package var canonicalJSON: [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writeJSON(into: &writer)
        return writer.bytes
    }
}

extension Sentence {
    /// `{"kind": …, "years": …, "months": …, "amount": …}`, the parts it has, as case files and webhooks give it.
    package func writeJSON(into writer: inout JSONWriter) {
        writer.object { json in
            json.field("kind", kind)
            if let years { json.key("years"); json.int(years) }
            if let months { json.key("months"); json.int(months) }
            if let amount { json.key("amount"); json.int(amount) }
        }
    }
}
