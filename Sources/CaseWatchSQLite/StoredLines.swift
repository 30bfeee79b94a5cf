import Crypto
import Foundation
import GRDB
import CaseWatchModel

/// The shared lines one enqueue has stored, by identity: each is written once (by content: lines stored
/// earlier are found by their digest), then named by id.
///
/// Holds the lines it names, so that no identity is reused while it is remembered; it remembers a few dozen at
/// a time (a plan works through one event's lines before the next event's), so a long plan does not keep every
/// event's bodies alive until its transaction ends.
struct StoredLines {
    private static let remembered = 64
    private var ids: [ObjectIdentifier: (lines: any SharedOctets, id: Int64)] = [:]

    mutating func id(of lines: any SharedOctets, in db: Database) throws -> Int64 {
        if let known = ids[ObjectIdentifier(lines)] { return known.id }
        let digest = Data(SHA256.hash(data: lines.bytes))
        try db.execute(sql: "INSERT OR IGNORE INTO outbox_lines (digest, bytes) VALUES (?, ?)",
                       arguments: [digest, Data(lines.bytes)])
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM outbox_lines WHERE digest = ?", arguments: [digest])
        else { throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "outbox lines stored but not found") }
        if ids.count >= Self.remembered { ids.removeAll(keepingCapacity: true) }
        ids[ObjectIdentifier(lines)] = (lines, id)
        return id
    }
}
