import CaseWatchModel
import CaseWatchPipeline
import Foundation

/// A first sync recorded as it is read: each case's snapshot is stored as it arrives, inside the transaction that
/// then records the rest of the detection, so the registry is never held whole (``RegistryState/recordStreamed(_:)``).
package struct StreamedDetection: Sendable {
    /// Reads the registry and hands over each case's snapshot row, the case (only when `withCases`: a store that
    /// writes the canonical JSON has no use for it, and the reader's side then frees it) and its canonical JSON, in
    /// order. It runs inside the transaction; throwing rolls everything back.
    package var stream: @Sendable (_ withCases: Bool, _ put: (SnapshotRow, LegalCase?, ArraySlice<UInt8>) throws -> Void)
        throws -> Void
    /// Once the stream has ended, in the same transaction: the rest of the detection (the cases not streamed, the
    /// events, the readings). Throwing (bad input found while reading) rolls back the streamed snapshots too.
    package var rest: @Sendable () throws -> DetectionRecord

    package init(stream: @escaping @Sendable (_ withCases: Bool, _ put: (SnapshotRow, LegalCase?, ArraySlice<UInt8>) throws -> Void)
                    throws -> Void,
                 rest: @escaping @Sendable () throws -> DetectionRecord) {
        self.stream = stream
        self.rest = rest
    }
}

extension RegistryState {
    /// For an engine without a streamed path: the stream is gathered, then recorded as one detection.
    package func recordStreamed(_ streamed: StreamedDetection) async throws -> (events: [CaseEvent], deliveries: Int) {
        let detection = try await Blocking.run { () throws -> DetectionRecord in
            var rows: [SnapshotRow] = []
            var cases: [String: LegalCase] = [:]
            try streamed.stream(true) { row, legalCase, _ in
                rows.append(row)
                cases[row.id] = legalCase
            }
            var detection = try streamed.rest()
            detection.diff.upserts = (rows + detection.diff.upserts).sorted { $0.id < $1.id }
            detection.diff.cases.merge(cases) { current, _ in current }
            return detection
        }
        return try await record(detection)
    }
}
