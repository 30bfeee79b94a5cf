import Foundation
import CaseWatchModel

/// Takes the cases that a file's reader finds into a ``RegistryLoad`` on another thread, in their
/// order, so that reading goes on while the load's tables take them in.
///
/// Why: adding 100,000 cases to those tables (by id, by source, by origin) took nearly as long as
/// reading them; now the two share the machine's two cores. What the tables say — a duplicate id, with
/// the line of the first — is the same, since the cases arrive in the order they were read.
final class CaseIntake {
    private static let batchSize = 256
    /// Room for 16,384 cases between the two: the tables stall now and then to grow, the reader should not.
    private let handOff = HandOff<[(LegalCase, line: Int?)]>(capacity: 64)
    private let tables = Tables()
    private let taker: WorkerThread
    private var batch: [(LegalCase, line: Int?)] = []

    /// The load the cases go into, moved here (not copied) until ``finish(into:)`` hands it back.
    private final class Tables: @unchecked Sendable {  // used by one thread at a time: the taker's, then the reader's
        var load = RegistryLoad()
    }

    /// Takes `load` over until ``finish(into:)``, which must follow.
    init(taking load: inout RegistryLoad, file: String) {
        swap(&tables.load, &load)
        let (handOff, tables) = (handOff, tables)
        taker = WorkerThread("casewatch.case-intake") {
            while let batch = handOff.take() {
                for (legalCase, line) in batch { tables.load.add(legalCase, file: file, line: line) }
            }
        }
        batch.reserveCapacity(Self.batchSize)
    }

    func add(_ legalCase: LegalCase, line: Int?) {
        batch.append((legalCase, line))
        if batch.count == Self.batchSize { handOver() }
    }

    /// Waits for every case to be taken in, and hands the load back.
    func finish(into load: inout RegistryLoad) {
        handOver()
        handOff.finish()
        taker.join()
        swap(&tables.load, &load)
    }

    private func handOver() {
        guard !batch.isEmpty else { return }
        _ = handOff.put(batch)
        batch.removeAll(keepingCapacity: true)
    }
}

@available(*, unavailable)
extension CaseIntake: Sendable {}
