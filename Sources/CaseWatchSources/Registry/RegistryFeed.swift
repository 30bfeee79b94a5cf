import CaseWatchModel
import Curl
import Foundation
import InputFormats

/// A remote registry feed (`registry.sources: - url:`): a JSON array of cases or a CSV, fetched with
/// `If-None-Match` / `If-Modified-Since` so that an unchanged feed costs one small request. Someone else's
/// source: whatever goes wrong fails the feed, and its cases stay as last seen.
package struct RegistryFeed: RegistrySource {
    package let url: String
    package var timeout: TimeInterval = 30
    /// Where the feed's server may be (`network.allow_private`); a refused address fails the feed with the reason.
    package var network: NetworkGuard
    /// An extra CA bundle, or the intermediate the feed's server leaves out of its chain (`ca_file:`).
    package var caFile: String?
    /// A feed larger than this is refused rather than parsed (or silently cut short).
    static let sizeLimit = InputLimits.listBody

    /// The formats a body may be in: CSV when the server says so (or the address ends in `.csv`), else JSON.
    package let formats: (json: any RecordFormat, csv: any RecordFormat)

    package init(url: String, formats: [any RecordFormat] = [RecordFormats.json, RecordFormats.csv],
                 network: NetworkGuard = NetworkGuard(), caFile: String? = nil) {
        self.url = url
        self.network = network
        self.caFile = caFile
        self.formats = (formats.first { $0 is JSONRecords } ?? RecordFormats.json,
                        formats.first { $0 is CSVRecords } ?? RecordFormats.csv)
    }

    package var name: String { url }
    package var isRemote: Bool { true }

    package func owns(_ recordedSource: String) -> Bool { recordedSource == url }

    /// Fetches the feed and takes its cases into `load`, unless another source already uses one of its ids: then
    /// the feed fails, not the run.
    package func read(into load: inout RegistryLoad, memory: SourceMemory) {
        switch fetch(previous: memory.validators[url]) {
        case .unchanged:
            load.frozenSources.insert(url)
        case .failed(let reason):
            load.frozenSources.insert(url)
            load.feedFailures[url] = reason
        case .fresh(let feedLoad, let fresh):
            let clashes = feedLoad.cases.keys.filter { load.cases[$0] != nil }.sorted()
            if let first = clashes.first {
                load.frozenSources.insert(url)
                load.feedFailures[url] = "\(clashes.count) case id(s) already used by another source, such as \"\(first)\""
            } else {
                load.merge(feedLoad)
                load.feedValidators[url] = fresh
            }
        }
    }

    /// What the conditional GET remembers between runs.
    package typealias Validators = FetchValidators

    package enum Result: Sendable {
        /// 304: the feed is as it was; its cases keep their last-seen snapshots untouched.
        case unchanged
        /// New content, parsed and valid, with the validators to send next time.
        case fresh(RegistryLoad, Validators)
        /// A failure of any kind; the feed's last good snapshot stays in place.
        case failed(String)
    }

    /// Fetches and parses the feed. Blocking: call it off the cooperative pool.
    package func fetch(previous: Validators?) -> Result {
        var headers: [(name: String, value: String)] = [("accept", "application/json, text/csv;q=0.9")]
        if let etag = previous?.etag { headers.append(("if-none-match", etag)) }
        if let lastModified = previous?.lastModified { headers.append(("if-modified-since", lastModified)) }
        let response: HTTPResponse
        do {
            response = try HTTPEventLoop.loop(for: url).perform(HTTPRequest(
                method: .get, url: url, headers: headers, connectTimeout: min(timeout, 10), timeout: timeout,
                responseLimit: Self.sizeLimit, caFile: caFile, network: network))
        } catch {
            return .failed("\(error)")
        }
        switch response.status {
        case 304:
            return .unchanged
        case 200:
            if response.truncated {
                return .failed("the feed is larger than the limit of \(InputLimits.describe(Self.sizeLimit)); "
                               + "it was not read")
            }
            guard response.body.contains(where: { !Character(Unicode.Scalar($0)).isWhitespace }) else {
                return .failed("the feed is empty")
            }
            let load = parse(response.body, contentType: response.header("content-type") ?? "")
            let errors = load.problems.errors
            guard errors.isEmpty else {
                let shown = errors.prefix(3).map(\.description).joined(separator: "; ")
                return .failed("\(errors.count) problem(s) in the feed: \(shown)")
            }
            return .fresh(load, Validators(etag: response.header("etag"), lastModified: response.header("last-modified")))
        default:
            return .failed("HTTP \(response.status)")
        }
    }

    /// Parses a feed body: CSV when the server says so (or the address ends in `.csv`), JSON otherwise.
    package func parse(_ body: [UInt8], contentType: String) -> RegistryLoad {
        let csv = formats.csv
        let format = csv.reads(contentType: contentType) || csv.reads(fileName: url) ? csv : formats.json
        var load = RegistryLoad()
        format.decode(Data(body), display: url, into: &load)
        return load
    }
}
