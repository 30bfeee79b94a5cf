import Foundation
import CaseWatchModel
import CaseWatchPipeline

/// The canonical JSON of the snapshot rows being stored, written on another thread a few chunks ahead of
/// the store's, which takes them in order.
///
/// Why: the diff used to keep every changed case's JSON until it was stored, 100 MB on a first sync of
/// 100,000 cases. Writing it again here costs the other core while SQLite works, and only a few chunks
/// exist at a time.
enum SnapshotJSONStream {
    /// Rows written per chunk, and chunks written ahead at the most.
    static let chunkSize = 64
    static let chunksAhead = 4

    /// Calls `body` with each row and the canonical JSON of its case in `cases`, in order, on the
    /// calling thread.
    static func forEach(
        _ rows: [SnapshotRow], cases: [String: LegalCase], _ body: (SnapshotRow, ArraySlice<UInt8>) throws -> Void
    ) rethrows {
        guard !rows.isEmpty else { return }
        let channel = HandOff<Chunk>(capacity: chunksAhead)
        let producer = WorkerThread("casewatch.snapshot-json") { produce(rows, cases: cases, into: channel) }
        defer {
            // Also when `body` throws: the producer stops at its next chunk, and is gone when this returns.
            channel.cancel()
            producer.join()
        }
        var next = 0
        while let chunk = channel.take() {
            var start = chunk.bytes.startIndex
            for end in chunk.ends {
                try body(rows[next], chunk.bytes[start..<end])
                next += 1
                start = end
            }
        }
    }

    private static func produce(_ rows: [SnapshotRow], cases: [String: LegalCase], into channel: HandOff<Chunk>) {
        var writer = JSONWriter(capacity: 4096)
        for first in stride(from: 0, to: rows.count, by: chunkSize) {
            var chunk = Chunk()
            for row in rows[first..<min(first + chunkSize, rows.count)] {
                guard let legalCase = cases[row.id] else { preconditionFailure("a snapshot row without its case") }
                legalCase.writeCanonicalJSON(into: &writer)
                chunk.bytes.append(contentsOf: writer.bytes)
                chunk.ends.append(chunk.bytes.count)
            }
            guard channel.put(chunk) else { return }
        }
        channel.finish()
    }

    /// The JSON of consecutive rows, end to end.
    private struct Chunk: Sendable {
        var bytes: [UInt8] = []
        /// Where each row's JSON ends in `bytes`.
        var ends: [Int] = []
    }
}
