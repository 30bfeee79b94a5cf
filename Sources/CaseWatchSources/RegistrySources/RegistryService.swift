import CaseWatchModel
import Curl
import Foundation
import InputFormats

/// The Ministry of Justice's registry service, which publishes both official lists (`format: registry`, `url:` up to
/// the registry's id, `…/rest/registry/<id>`): `GET …/info` gives its title, when it last changed and its columns
/// (name, title, hidden); `POST …/values` with `{"offset", "limit" ≤ 1000, "search"}` gives a page of entries and
/// the total. Hidden columns hold personal identifiers: they are never kept (the lists' parsers read only the
/// columns they know).
struct RegistryService {
    let base: String
    let timeout: TimeInterval
    /// An extra CA bundle (or the intermediate the service leaves out of its chain): the source's `ca_file`.
    var caFile: String? = nil
    /// Where the service may be (`network.allow_private`).
    var network = NetworkGuard()
    static let pageSize = 1_000
    /// More pages than this is not a list of the size these are (≈1,300 entries in 2026): refused.
    static let maximumPages = 100

    struct Column {
        var name: String
        var title: String
        var hidden: Bool
    }

    struct Listing {
        var lastModified: String?
        var columns: [Column]
        var values: [[String: String?]]

        /// The day the list says it is current as of: `lastModified` as an ISO date or time, or epoch milliseconds.
        var asOf: CalendarDate? { lastModified.flatMap { ListCells.date($0, numbers: .epoch) } }
    }

    enum Failure: Error, CustomStringConvertible {
        case unexpected(String)
        var description: String {
            switch self { case .unexpected(let why): "the registry service: \(why)" }
        }
    }

    func fetch() throws -> Listing {
        let info = try object(try request(.get, "/info", body: nil))
        var columns: [Column] = []
        if case .list(let items, _)? = info["columns"] {
            for item in items {
                guard case .map(let fields, _) = item else { continue }
                let text = { (key: String) -> String? in
                    if case .scalar(let value, _)? = fields.first(where: { $0.key == key })?.value { return value }
                    return nil
                }
                guard let name = text("name") else { continue }
                columns.append(Column(name: name, title: text("title") ?? name, hidden: text("hidden") == "true"))
            }
        }
        guard !columns.isEmpty else { throw Failure.unexpected("its info lists no columns") }
        var lastModified: String?
        if case .scalar(let value, _)? = info["lastModified"] { lastModified = value }
        var values: [[String: String?]] = []
        var total = Int.max
        var page = 0
        while values.count < total {
            guard page < Self.maximumPages else { throw Failure.unexpected("more than \(Self.maximumPages) pages") }
            let body = #"{"offset":\#(values.count),"limit":\#(Self.pageSize),"search":""}"#
            let answer = try object(try request(.post, "/values", body: Array(body.utf8)))
            guard case .scalar(let size, _)? = answer["size"], let count = Int(size),
                  case .list(let items, _)? = answer["values"]
            else { throw Failure.unexpected("a page without values and size") }
            total = count
            if items.isEmpty { break }
            for item in items {
                guard case .map(let fields, _) = item else { continue }
                var row: [String: String?] = [:]
                for (key, value) in fields {
                    switch value {
                    case .scalar(let text, _): row[key] = text
                    case .list(let parts, _):
                        row[key] = parts.compactMap { if case .scalar(let text, _) = $0 { text } else { nil } }
                            .joined(separator: ", ")
                    default: row[key] = .some(nil)
                    }
                }
                values.append(row)
            }
            page += 1
        }
        guard values.count == total else {
            throw Failure.unexpected("it announced \(total) entries and gave \(values.count)")
        }
        return Listing(lastModified: lastModified, columns: columns, values: values)
    }

    private func request(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]?) throws -> [UInt8] {
        var headers: [(name: String, value: String)] = [("accept", "application/json")]
        if body != nil { headers.append(("content-type", "application/json")) }
        let response = try HTTPEventLoop.loop(for: base + path).perform(HTTPRequest(
            method: method, url: base + path, headers: headers, body: body ?? [], connectTimeout: min(timeout, 10),
            timeout: timeout, responseLimit: InputLimits.listBody, caFile: caFile, network: network))
        guard response.status == 200 else { throw Failure.unexpected("HTTP \(response.status) for \(path)") }
        return response.body
    }

    private func object(_ bytes: [UInt8]) throws -> [String: SourceNode] {
        guard case .map(let fields, _) = try JSONSource.parse(Data(bytes)) else {
            throw Failure.unexpected("an answer that is not a JSON object")
        }
        return Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
