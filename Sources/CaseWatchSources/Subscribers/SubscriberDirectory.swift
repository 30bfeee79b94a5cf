import Foundation
import CaseWatchModel
import InputFormats

/// The subscriber files of the configuration's `subscribers` folder (`*.yaml`, `*.yml`, one per file).
package struct SubscriberDirectory: Sendable {
    package let displayPath: String
    package let url: URL

    package init(configuration: Configuration) {
        displayPath = configuration.subscribersPath
        url = configuration.resolve(configuration.subscribersPath)
    }

    package init(displayPath: String, url: URL) {
        self.displayPath = displayPath
        self.url = url
    }

    /// Loads every subscriber; problems are collected so one run reports all of them. Without an environment the
    /// secrets a subscriber names are not looked for (a command that sends nothing).
    package func load(environment: ProcessEnvironment? = .current) -> SubscriberLoad {
        var load = SubscriberLoad()
        // Subscriber files are YAML; the folder lists them as a registry folder lists its case files.
        let folder = RegistryFolder(displayPath: displayPath, url: url, formats: [RecordFormats.yaml])
        let files: [(display: String, url: URL, format: any RecordFormat)]
        do throws(InputError) {
            files = try folder.files()
        } catch {
            load.problems = error.problems.map {
                var problem = $0
                problem.field = "subscribers"
                problem.message = "the subscribers folder does not exist"
                return problem
            }
            return load
        }
        var origins: [String: String] = [:]
        for file in files {
            // Refused before it is read whole when it is larger than any subscriber file is.
            let data: Data
            do {
                data = try InputLimits.read(file.url.path, limit: InputLimits.yamlFile)
            } catch {
                load.problems.append(InputProblem(file: file.display, line: nil, field: nil, message: "\(error)"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                load.problems.append(InputProblem(file: file.display, line: nil, field: nil, message: "not UTF-8 text"))
                continue
            }
            let root: SourceNode
            do {
                root = try SourceNode.parseYAML(text, file: file.display)
            } catch {
                load.problems += error.problems
                continue
            }
            let log = ProblemLog(file: file.display)
            if let subscriber = SubscriberDecoder(log: log, environment: environment).decode(root) {
                if let first = origins[subscriber.id] {
                    log.error("\"\(subscriber.id)\" is already used by \(first)", field: "id", line: root.line)
                } else {
                    origins[subscriber.id] = file.display
                    load.subscribers.append(subscriber)
                }
            }
            load.problems += log.problems
        }
        return load
    }
}

/// The subscribers read, with every problem found.
package struct SubscriberLoad: Sendable {
    package var subscribers: [Subscriber] = []
    package var problems: [InputProblem] = []

    package func subscriber(id: String) -> Subscriber? {
        subscribers.first { $0.id == id }
    }
}
