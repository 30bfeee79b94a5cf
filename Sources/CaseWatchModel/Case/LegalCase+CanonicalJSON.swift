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
            }
            json.field("country", country)
            json.field("type", type.rawValue)
            json.field("status", status.rawValue)
            json.field("outcome", outcome?.rawValue)
            json.field("claimant", claimant)
            json.field("court", court)
            json.field("case_number", caseNumber)
            json.key("next_hearing")
            if let nextHearing { nextHearing.writeJSON(into: &json) } else { json.null() }
            json.key("history")
            json.array { json in
                for entry in history {
                    json.object { json in
                        json.field("date", entry.date.description)
                        json.field("status", entry.status.rawValue)
                        json.field("outcome", entry.outcome?.rawValue)
                        json.field("note", entry.note)
                    }
                }
            }
            json.field("sources", strings: sources)
            json.field("tags", strings: tags)
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
            json.field("court", court)
        }
    }
}
