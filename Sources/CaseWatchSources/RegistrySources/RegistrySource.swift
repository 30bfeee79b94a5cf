import CaseWatchModel
import Foundation

/// Where cases come from: a folder of case files, a remote feed, and (next) the importers of official lists.
///
/// A source reads whole records in a ``RecordFormat`` (JSON, YAML, CSV) from its own transport (files, HTTP): the
/// two are separate, so a feed can be CSV and a folder JSON. A new kind of source is a file of its own here and a
/// line in ``Registry/makeSources(_:configuration:)``.
package protocol RegistrySource: Sendable {
    /// How the source is named in messages, in the store and by the operator.
    var name: String { get }
    /// Whether the source is someone else's: its failures fail the source (its cases stay as last seen), never
    /// the run. An operator's own files are bad input instead (exit 65).
    var isRemote: Bool { get }
    /// Whether a case recorded as coming from `recordedSource` (a file's path, a feed's address) is this source's.
    func owns(_ recordedSource: String) -> Bool
    /// Reads the source into `load`, off the cooperative pool (blocking). `memory` is what the last recorded run
    /// learnt of every source: files unchanged since then are not read again, feeds are asked conditionally.
    func read(into load: inout RegistryLoad, memory: SourceMemory)
}

/// What the last recorded run learnt of its sources.
package struct SourceMemory: Sendable {
    /// Each feed's validators from its last good fetch.
    package var validators: [String: FetchValidators]
    /// Each case file's stat signature.
    package var signatures: [String: String]

    package init(validators: [String: FetchValidators] = [:], signatures: [String: String] = [:]) {
        self.validators = validators
        self.signatures = signatures
    }
}
