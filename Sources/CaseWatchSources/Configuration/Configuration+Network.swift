import Curl
import Foundation
import InputFormats

extension Configuration {
    /// `network`: where requests made on a subscriber's or a source's behalf (webhooks, Matrix, Telegram, feeds,
    /// official lists) may connect. The operator's SMTP relay and the PostgreSQL store are the operator's own, and
    /// not subject to it.
    package struct Network: Sendable {
        /// `allow_private`: CIDR blocks (IPv4 and IPv6) that those requests may reach although they are loopback,
        /// private, link-local or otherwise not public; plain `http://` goes only to addresses in them.
        package var allowPrivate: [AddressRange] = []

        /// The guard every such request carries.
        package var guardrail: NetworkGuard { NetworkGuard(allowing: allowPrivate) }
    }
}

extension Configuration.Network {
    mutating func read(_ fields: inout MapReader) {
        guard let node = fields.node("allow_private") else { return }
        let field = fields.fieldPath("allow_private")
        let items: [SourceNode]
        switch node {
        case .null: items = []
        case .list(let list, _): items = list
        case .scalar: items = [node]  // one block written without brackets
        case .map:
            fields.log.error("expected a list of CIDR blocks (like [127.0.0.0/8, ::1/128])", field: field,
                             line: node.line)
            return
        }
        var blocks: [AddressRange] = []
        for (index, item) in items.enumerated() {
            guard case .scalar(let text, let line) = item else {
                fields.log.error("expected a CIDR block (like 10.0.0.0/8), found a nested value",
                                 field: "\(field)[\(index)]", line: item.line ?? node.line)
                continue
            }
            do {
                blocks.append(try AddressRange(text))
            } catch {
                fields.log.error(error.reason, field: "\(field)[\(index)]", line: line ?? node.line)
            }
        }
        allowPrivate = blocks
    }
}

extension Configuration {
    /// What `check` can judge before any name is resolved, of every address CaseWatch would send to on someone
    /// else's behalf: the registry's feeds and lists, the Telegram Bot API server (when sent over HTTP), and the
    /// subscribers' webhooks and homeservers (``SubscriberDirectory/networkProblems(guarding:)``). A host that is
    /// an address (in any numeric form) outside `network.allow_private`, or `http://` to anything but an allowed
    /// address, is an error naming the file, line and field. `run` leaves this to the guard at connect time.
    package func networkProblems() -> [InputProblem] {
        let rules = network.guardrail
        let root = FileManager.default.contents(atPath: file)
            .flatMap { String(data: $0, encoding: .utf8) }
            .flatMap { try? SourceNode.parseYAML($0, file: file) }
        var problems: [InputProblem] = []
        func judge(_ url: String, _ path: [NodeKey]) {
            guard let refusal = rules.refusal(ofURL: url) else { return }
            let field = path.map { key in
                switch key {
                case .key(let name): name
                case .index(let index): "[\(index)]"
                }
            }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            problems.append(InputProblem(file: file, line: root?.descendant(path)?.line, field: field,
                                         message: Self.checkMessage(refusal, url: url)))
        }
        for (index, source) in registry.sources.enumerated() {
            switch source.kind {
            case .feed(let url): judge(url, [.key("registry"), .key("sources"), .index(index), .key("url")])
            case .list(let list):
                if case .url(let url) = list.location {
                    judge(url, [.key("registry"), .key("sources"), .index(index), .key("url")])
                }
            case .folder: break
            }
        }
        if telegram.transport == .http { judge(telegram.apiURL, [.key("telegram"), .key("api_url")]) }
        let subscribers = SubscriberDirectory(configuration: self)
        problems += subscribers.networkProblems(guarding: self)
        return problems
    }

    /// A refusal as `check` says it: what the guard would refuse when connecting, and how to allow it.
    static func checkMessage(_ refusal: NetworkRefusal, url: String) -> String {
        let text = "\(refusal)".replacingOccurrences(of: "refused by the network guard: ", with: "")
        return "\"\(url)\": the network guard would refuse it: \(text)"
    }
}

/// One step into a parsed YAML tree.
enum NodeKey {
    case key(String)
    case index(Int)
}

extension SourceNode {
    /// The node at `path`, nil when the tree has none there.
    func descendant(_ path: [NodeKey]) -> SourceNode? {
        var node = self
        for step in path {
            switch (step, node) {
            case (.key(let name), .map(let pairs, _)):
                guard let next = pairs.first(where: { $0.key == name })?.value else { return nil }
                node = next
            case (.index(let index), .list(let items, _)):
                guard items.indices.contains(index) else { return nil }
                node = items[index]
            default:
                return nil
            }
        }
        return node
    }
}
