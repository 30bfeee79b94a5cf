import CaseWatchModel

/// Where a first sync recorded as it is read sends each case as soon as it is read (``RegistryLoad/spill``), with
/// the file it came from.
///
/// Called by one thread at a time, in reading order (the reader's, or the intake's that takes its cases in).
package final class CaseSpill: @unchecked Sendable {  // `take` is only ever called by one thread at a time
    private let body: (LegalCase, String) -> Void
    /// How many cases it took.
    package private(set) var count = 0

    package init(_ body: @escaping (LegalCase, _ source: String) -> Void) {
        self.body = body
    }

    func take(_ legalCase: LegalCase, _ source: String) {
        count += 1
        body(legalCase, source)
    }
}
