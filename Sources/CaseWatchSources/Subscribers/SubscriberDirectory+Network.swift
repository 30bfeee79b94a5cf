import Foundation
import Curl
import InputFormats

extension SubscriberDirectory {
    /// What `check` can judge before any name is resolved of the subscribers' webhooks (`webhook.url`) and Matrix
    /// homeservers (`matrix.homeserver`), for the channels that send over HTTP: see
    /// ``Configuration/networkProblems()``. Files that do not parse are left to the subscriber loader, which says why.
    package func networkProblems(guarding configuration: Configuration) -> [InputProblem] {
        var fields: [(path: [NodeKey], name: String)] = []
        if configuration.webhooks.transport == .http { fields.append(([.key("webhook"), .key("url")], "webhook.url")) }
        if configuration.matrix.transport == .http {
            fields.append(([.key("matrix"), .key("homeserver")], "matrix.homeserver"))
        }
        guard !fields.isEmpty else { return [] }
        let rules = configuration.network.guardrail
        let folder = RegistryFolder(displayPath: displayPath, url: url, formats: [RecordFormats.yaml])
        guard let files = try? folder.files() else { return [] }
        var problems: [InputProblem] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.url.path),
                  let text = String(data: data, encoding: .utf8),
                  let root = try? SourceNode.parseYAML(text, file: file.display)
            else { continue }
            for field in fields {
                guard case .scalar(let address, let line)? = root.descendant(field.path),
                      let refusal = rules.refusal(ofURL: address)
                else { continue }
                problems.append(InputProblem(file: file.display, line: line, field: field.name,
                                             message: Configuration.checkMessage(refusal, url: address)))
            }
        }
        return problems
    }
}
