import Crypto
import Foundation
import GRDB
import InternetMessage

/// The shared lines one enqueue has stored, by identity: each is written once (by content: lines stored by an
/// earlier plan are found by their digest), then named by id. Holds the lines, so no identity is reused.
struct StoredLines {
    private var ids: [ObjectIdentifier: (lines: SharedLines, id: Int64)] = [:]

    mutating func id(of lines: SharedLines, in db: Database) throws -> Int64 {
        if let known = ids[ObjectIdentifier(lines)] { return known.id }
        let digest = Data(SHA256.hash(data: lines.bytes))
        try db.execute(sql: "INSERT OR IGNORE INTO outbox_lines (digest, bytes) VALUES (?, ?)",
                       arguments: [digest, Data(lines.bytes)])
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM outbox_lines WHERE digest = ?", arguments: [digest])
        else { throw PayloadLayout.Damaged(layout: "lines just stored are missing") }
        ids[ObjectIdentifier(lines)] = (lines, id)
        return id
    }
}
