import CaseWatchModel
import Curl
import Foundation
import InputFormats

/// An official list read as a registry source (`registry.sources: - import: …`): the Ministry of Justice's list
/// of undesirable organisations (its XLSX), its register of foreign agents (the registry JSON or a mirror's CSV),
/// or any table with a `mapping:`. Each entry becomes a case (``ListEntry/legalCase(tag:source:)``).
///
/// Someone else's source: a list that cannot be read, or whose layout changed, fails the source and its cases stay
/// as last seen. An unchanged list is not taken in again, and costs as little as can vouch for it
/// (``ListValidators``): a `path:` list whose file `stat` finds untouched is not read, one whose bytes hash as
/// before is not parsed, a `url:` list is asked for with `If-None-Match` / `If-Modified-Since` (a 304 is the same
/// list); a list read and parsed is compared by a hash of its entries' normalised rows, never of its bytes alone
/// (the Ministry rebuilds the file on every request).
package struct RegistryImport: RegistrySource {
    package let name: String
    package let list: Configuration.Registry.ListImport
    /// Where a `path:` list is on disk.
    package let file: URL?
    package var timeout: TimeInterval = 60
    /// An extra CA bundle, or the intermediate a server leaves out of its chain (`ca_file:`), for a `url:` list.
    package var caFile: String?
    /// Where a `url:` list's server may be (`network.allow_private`); a refused address fails the source.
    package var network = NetworkGuard()
    static let sizeLimit = InputLimits.listBody

    package init(name: String, list: Configuration.Registry.ListImport, file: URL?,
                 network: NetworkGuard = NetworkGuard(), caFile: String? = nil) {
        self.network = network
        self.caFile = caFile
        self.name = name
        self.list = list
        self.file = file
    }

    package var isRemote: Bool { true }
    package func owns(_ recordedSource: String) -> Bool { recordedSource == name }

    package func read(into load: inout RegistryLoad, memory: SourceMemory) {
        let previous = ListValidators(memory.validators[name])
        // Bytes, a stat signature or an ETag vouch only for a list read the same way.
        let trusted = previous.reader == readerID ? previous : ListValidators()
        var current = ListValidators(reader: readerID)
        let parsed: ListParse
        do {
            if list.format == .registry {
                parsed = try readService()
            } else {
                guard let body = try fetch(previous: trusted, into: &current) else {
                    keepUnchanged(&load)  // an untouched file, or a 304
                    return
                }
                if let bytes = current.bytes, bytes == trusted.bytes, let rows = trusted.rows {
                    current.rows = rows
                    keepUnchanged(&load, remembering: current, previous: previous)
                    return
                }
                parsed = try parse(body)
            }
        } catch {
            load.frozenSources.insert(name)
            load.feedFailures[name] = "\(error)"
            return
        }
        let errors = parsed.problems.filter { $0.severity == .error }
        guard errors.isEmpty else {
            load.frozenSources.insert(name)
            let shown = errors.prefix(3).map(\.description).joined(separator: "; ")
            load.feedFailures[name] = "\(errors.count) problem(s) in the list: \(shown)"
            return
        }
        let source = list.location.text
        // Each entry becomes its case on its own: on every core.
        let cases = Parallel.map(parsed.entries) { (entry: $0, legalCase: $0.legalCase(tag: nil, source: source)) }
        for (entry, legalCase) in cases { load.claimable[entry.claim] = legalCase }
        current.rows = Self.rowsDigest(parsed.entries)
        if current.rows == previous.rows {
            load.frozenSources.insert(name)
            if current != previous { load.feedValidators[name] = current.stored }  // its new bytes, next time
            return
        }
        var own = RegistryLoad()
        for (entry, legalCase) in cases { own.add(legalCase, file: name, line: entry.row) }
        let clashes = own.cases.keys.filter { load.cases[$0] != nil }.sorted()
        if let first = clashes.first {
            load.frozenSources.insert(name)
            load.feedFailures[name] = "\(clashes.count) case id(s) already used by another source, such as \"\(first)\""
            return
        }
        load.merge(own)
        for (entry, legalCase) in cases { load.rowDigests[legalCase.id] = entry.rowDigest }
        load.feedValidators[name] = current.stored
        load.lists[name] = parsed.asOf
        load.listSizes[name] = parsed.entries.count
    }

    /// The list as last read stays: its cases keep their snapshots. Its entries are read only if a hand-kept case
    /// read this time claims one (``RegistryLoad/readClaimedLists(for:)``), so that the case takes in their steps as
    /// it would had the list been parsed. `remembering` validators that changed (a file touched but not altered) are
    /// kept for next time.
    private func keepUnchanged(_ load: inout RegistryLoad, remembering current: ListValidators? = nil,
                               previous: ListValidators? = nil)
    {
        load.frozenSources.insert(name)
        if let current, current != previous { load.feedValidators[name] = current.stored }
        let source = self
        load.unparsedLists[name] = RegistryLoad.UnparsedList(claimPrefix: list.list.name + ":") {
            source.claimableEntries()
        }
    }

    /// Every entry of the list by its claim, read afresh (no validators): empty when the list cannot be read now.
    func claimableEntries() -> [String: LegalCase] {
        var ignored = ListValidators()
        let parsed: ListParse?
        if list.format == .registry {
            parsed = try? readService()
        } else {
            parsed = (try? fetch(previous: ListValidators(), into: &ignored)).flatMap { try? parse($0) }
        }
        guard let parsed, !parsed.problems.contains(where: { $0.severity == .error }) else { return [:] }
        var entries: [String: LegalCase] = [:]
        for entry in parsed.entries { entries[entry.claim] = entry.legalCase(tag: nil, source: list.location.text) }
        return entries
    }

    /// The list's content: the SHA-256 of its entries' row digests, sorted (the rows' order is not the list's).
    static func rowsDigest(_ entries: [ListEntry]) -> String {
        RowDigest.sha256Hex(entries.map(\.rowDigest).sorted().joined(separator: "\n"))
    }

    /// Which reading of the list validators were taken by: the importer, its location, format and mapping, and the
    /// version of this reader (raise it when a change of the importers changes what a list reads as).
    var readerID: String {
        String(RowDigest.sha256Hex("casewatch-list-reader-1\n\(list)").prefix(16))
    }

    enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        var description: String {
            switch self { case .unreadable(let why): why }
        }
    }

    /// The list's bytes, from its file or its address, with what will recognise them next time set in `current`;
    /// nil when `previous` shows them unchanged (the file's stat signature is the same, or the server answered 304).
    func fetch(previous: ListValidators, into current: inout ListValidators) throws -> Data? {
        if let file {
            let signature = FileSignature.of(file)
            if let signature, signature == previous.signature { return nil }
            let readAt = Date()
            let data: Data
            do {
                data = try InputLimits.read(file.path, limit: Self.sizeLimit)
            } catch {
                throw Failure.unreadable("\(list.location.text): \(error)")
            }
            current.bytes = RowDigest.sha256Hex(Array(data))
            // A file changed just before it was read could change again unseen by its signature (git's "racily
            // clean" case, as for case files): such a signature is not kept, so the file is read again next time.
            if let signature, !FileSignature.changedNear(file, readAt) { current.signature = signature }
            return data
        }
        var headers: [(name: String, value: String)] = []
        if let etag = previous.etag { headers.append(("if-none-match", etag)) }
        if let lastModified = previous.lastModified { headers.append(("if-modified-since", lastModified)) }
        let response = try HTTPEventLoop.loop(for: list.location.text).perform(HTTPRequest(
            method: .get, url: list.location.text, headers: headers, connectTimeout: min(timeout, 10), timeout: timeout,
            responseLimit: Self.sizeLimit, caFile: caFile, network: network))
        if response.status == 304, !headers.isEmpty { return nil }
        guard response.status == 200 else { throw Failure.unreadable("HTTP \(response.status)") }
        guard !response.truncated else {
            throw Failure.unreadable("the list is larger than the limit of \(InputLimits.describe(Self.sizeLimit)); it was not read")
        }
        current.bytes = RowDigest.sha256Hex(response.body)
        current.etag = response.header("etag")
        current.lastModified = response.header("last-modified")
        return Data(response.body)
    }
}
