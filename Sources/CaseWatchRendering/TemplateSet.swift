import Foundation
import Mustache
import CaseWatchModel
import InputFormats

/// Every alert template of the `templates/` folder, parsed once, with the labels of each language.
///
/// Layout: `templates/<event type>/<part>.<lang>.mustache` (parts: `email.subject`, `email.txt`,
/// `email.html`, `summary`), `templates/digest/…` for digests, `templates/labels/<lang>.yaml`, and
/// `templates/partials/<name>.mustache`: what several templates share (the frame of every HTML e-mail, which a
/// template extends with `{{<email-frame.en}}…{{/email-frame.en}}`), parsed as HTML unless the name holds `.txt`.
/// A missing language falls back to English; a missing English template is an error.
package struct TemplateSet: Sendable {
    package enum Part: String, Sendable, CaseIterable {
        case emailSubject = "email.subject"
        case emailText = "email.txt"
        case emailHTML = "email.html"
        case summary
        /// `chat`: the Matrix and Telegram message, HTML of the few tags both accept (see `templates/README.md`).
        /// Shipped once per language for every event type (`templates/chat.<lang>.mustache`); an event type's folder
        /// may hold its own, and `digest/` holds the digest's.
        case chat
        /// `pages/unsubscribe`: the confirmation page a one-click link opens (GET).
        case unsubscribePage = "unsubscribe"
        /// `pages/unsubscribed`: the page after the unsubscribe is done (POST).
        case unsubscribedPage = "unsubscribed"
        /// `pages/invalid-link`: a link whose token is not genuine (403), in its reader's language when the token
        /// names a known subscriber.
        case invalidLinkPage = "invalid-link"
        /// `pages/preferences`: the subscriber's own page (GET shows the form).
        case preferencesPage = "preferences"
        /// `pages/preferences-saved`: the page after the choices are saved (POST).
        case preferencesSavedPage = "preferences-saved"

        var isHTML: Bool { self != .emailSubject && self != .emailText && self != .summary }
    }

    /// Template key: folder (event type or `digest`), part, language.
    struct Key: Hashable {
        let folder: String
        let part: Part
        let language: Language
    }

    /// Each template, parsed already (the operator's own text, parsed at load to report its errors), or parsed on
    /// first use (the shipped text, which the shipped-templates tests parse, whether it comes from the binary or
    /// from an operator's folder holding an unchanged copy).
    let templates: [Key: OnDemand<MustacheTemplate?>]
    let labels: [Language: OnDemand<Labels?>]
    /// The partials and parents the templates name (`{{> name}}`, `{{< name}}`).
    package let partials: MustacheLibrary
    /// Webhook bodies that subscribers name (`templates/webhooks/<name>.mustache`), rendered as JSON.
    package let webhookTemplates: [String: (template: MustacheTemplate, file: String)]

    /// The folders CaseWatch renders from and the parts of each: one per event type, the digest, and the
    /// pages the daemon serves.
    static let folders: [(name: String, parts: [Part])] =
        EventType.allCases.map { ($0.rawValue, [.emailSubject, .emailText, .emailHTML, .summary]) }
        + [("", [.chat]), ("digest", [.emailSubject, .emailText, .emailHTML, .chat])]
        + [("pages", [.unsubscribePage, .unsubscribedPage, .invalidLinkPage, .preferencesPage,
                                 .preferencesSavedPage])]

    /// The path of a template under `templates/`: `<folder>/<part>.<lang>.mustache`, or at the top for folder "".
    static func path(_ folder: String, _ part: Part, _ language: Language) -> String {
        folder.isEmpty ? "\(part.rawValue).\(language.rawValue).mustache"
            : "\(folder)/\(part.rawValue).\(language.rawValue).mustache"
    }

    /// The event types' own chat templates: optional, the shared `chat.<lang>.mustache` standing in for a missing one.
    static let optionalChat: [String] = EventType.allCases.map(\.rawValue)
    static let chatOverrides: [(name: String, parts: [Part])] = optionalChat.map { ($0, [Part.chat]) }

    /// Loads and parses every template; problems (with file and line) are collected, not thrown.
    package static func load(directory: URL, displayPath: String) -> (TemplateSet, [InputProblem]) {
        var problems: [InputProblem] = []
        var templates: [Key: OnDemand<MustacheTemplate?>] = [:]
        let base = displayPath.hasSuffix("/") ? displayPath : displayPath + "/"
        if !FileManager.default.fileExists(atPath: directory.path) {
            problems.append(InputProblem(file: displayPath, line: nil, field: "templates",
                                         message: "the templates folder does not exist"))
        }
        let source = ShippedTemplates.Source(directory: directory, base: base)
        var shippedUsed: [String] = []
        var pending: [(key: Key, file: String, text: String)] = []
        for (folder, parts) in folders + chatOverrides {
            for part in parts {
                for language in Language.allCases {
                    let name = path(folder, part, language)
                    let optional = part == .chat && optionalChat.contains(folder)
                    let text: String, file: String
                    switch source.read(name) {
                    case .shipped where optional, .missing where optional:
                        continue
                    case .own(let found, let path): (text, file) = (found, path)
                    case .shipped(let found, let path):
                        (text, file) = (found, path)
                        shippedUsed.append(name)
                    case .unreadable(let path, let reason):
                        problems.append(InputProblem(file: path, line: nil, field: nil, message: reason))
                        continue
                    case .missing(let path):
                        if language == .en {
                            problems.append(InputProblem(file: path, line: nil, field: nil,
                                                         message: "missing (English is the fallback of every language)"))
                        }
                        continue
                    }
                    // Text parts are not HTML-escaped; the pragma stays on the first line so line numbers hold.
                    let parsed = part.isHTML ? text : "{{% CONTENT_TYPE: TEXT }}" + text
                    let key = Key(folder: folder, part: part, language: language)
                    if text == ShippedTemplates.files[name] {
                        templates[key] = OnDemand { try? MustacheTemplate(string: parsed) }
                    } else {
                        pending.append((key, file, parsed))
                    }
                }
            }
        }
        var labels: [Language: OnDemand<Labels?>] = [:]
        var ownLabels: [(Language, @Sendable () -> (Labels?, [InputProblem]))] = []
        for language in Language.allCases {
            let name = "labels/\(language.rawValue).yaml", url = directory.appendingPathComponent(name)
            let shipped = ShippedTemplates.files[name]
            let load = { @Sendable in Labels.load(file: base + name, url: url, shipped: shipped) }
            let own = FileManager.default.contents(atPath: url.path)
            if let shipped, own == nil || own == Data(shipped.utf8) {
                labels[language] = OnDemand { load().0 }
            } else {
                ownLabels.append((language, load))
            }
        }
        let (parsed, loadedLabels) = parseAll(pending.map(\.text), labels: ownLabels.map(\.1))
        for ((key, file, _), result) in zip(pending, parsed) {
            switch result {
            case .success(let template):
                templates[key] = OnDemand(made: template)
            case .failure(let error as MustacheTemplate.ParserError):
                problems.append(InputProblem(file: file, line: error.context.lineNumber, field: nil,
                                             message: "Mustache: \(error.error)"))
            case .failure(let error):
                problems.append(InputProblem(file: file, line: nil, field: nil, message: "Mustache: \(error)"))
            }
        }
        if !shippedUsed.isEmpty, FileManager.default.fileExists(atPath: directory.path) {
            problems.append(InputProblem(
                file: displayPath, line: nil, field: "templates",
                message: "\(shippedUsed.count) template(s) missing here; the shipped default is used for each "
                    + "(first: \(shippedUsed[0]))", severity: .warning))
        }
        let (partials, partialProblems) = loadPartials(source: source)
        problems += partialProblems
        problems += unknownPartials(in: directory, base: base, known: partials)
        let (webhookTemplates, webhookProblems) = loadWebhookTemplates(directory: directory, base: base)
        problems += webhookProblems
        for ((language, _), (loaded, labelProblems)) in zip(ownLabels, loadedLabels) {
            problems += labelProblems.filter { language == .en || !$0.message.hasPrefix("cannot read") }
            labels[language] = OnDemand(made: loaded)
        }
        return (TemplateSet(templates: templates, labels: labels, partials: partials, webhookTemplates: webhookTemplates),
                problems)
    }

    /// Parses the operator's own templates and labels on every core at once, each result in its place.
    ///
    /// Why: parsing some 150 templates and three label files was two thirds of a small run's start-up (≈0.1 s of the
    /// 0.13 s an unchanged cron tick costs), whatever the run goes on to send; the shipped ones wait for first use.
    private static func parseAll(_ texts: [String], labels: [@Sendable () -> (Labels?, [InputProblem])])
        -> ([Result<MustacheTemplate, any Error>], [(Labels?, [InputProblem])])
    {
        enum Parsed: Sendable {
            case labels((Labels?, [InputProblem]))
            case template(Result<MustacheTemplate, any Error>)
        }
        let parsed = Parallel.map(labels.count + texts.count) { index in
            index < labels.count ? Parsed.labels(labels[index]())
                : .template(Result { try MustacheTemplate(string: texts[index - labels.count]) })
        }
        return (parsed.compactMap { if case .template(let result) = $0 { result } else { nil } },
                parsed.compactMap { if case .labels(let result) = $0 { result } else { nil } })
    }

    /// Every `partials/*.mustache` (the operator's, and the shipped ones it lacks), by its name without the extension.
    private static func loadPartials(source: ShippedTemplates.Source) -> (MustacheLibrary, [InputProblem]) {
        var library = MustacheLibrary()
        var problems: [InputProblem] = []
        for name in source.names(in: "partials", suffix: ".mustache") {
            let text: String, file: String
            switch source.read("partials/" + name) {
            case .own(let found, let path), .shipped(let found, let path): (text, file) = (found, path)
            case .unreadable(let path, let reason):
                problems.append(InputProblem(file: path, line: nil, field: nil, message: reason))
                continue
            case .missing(let path):
                problems.append(InputProblem(file: path, line: nil, field: nil, message: "cannot read as UTF-8 text"))
                continue
            }
            let partName = String(name.dropLast(".mustache".count))
            do {
                let parsed = partName.contains(".txt") ? "{{% CONTENT_TYPE: TEXT }}" + text : text
                library.register(try MustacheTemplate(string: parsed), named: partName)
            } catch let error as MustacheTemplate.ParserError {
                problems.append(InputProblem(file: file, line: error.context.lineNumber, field: nil,
                                             message: "Mustache: \(error.error)"))
            } catch {
                problems.append(InputProblem(file: file, line: nil, field: nil, message: "Mustache: \(error)"))
            }
        }
        return (library, problems)
    }

    /// A template that names a partial or parent the `partials/` folder lacks would render it as nothing.
    private static func unknownPartials(in directory: URL, base: String, known: MustacheLibrary) -> [InputProblem] {
        var problems: [InputProblem] = []
        for (folder, parts) in folders + chatOverrides {
            for part in parts {
                for language in Language.allCases {
                    let name = path(folder, part, language)
                    guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                          let text = String(data: data, encoding: .utf8), text != ShippedTemplates.files[name]
                    else { continue }
                    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                        for reference in partialReferences(in: line) where known.getTemplate(named: reference) == nil {
                            problems.append(InputProblem(file: base + name, line: index + 1, field: nil,
                                                         message: "no partial \(base)partials/\(reference).mustache"))
                        }
                    }
                }
            }
        }
        return problems
    }

    /// The names of the partials (`{{> name}}`) and parents (`{{< name}}`) one line refers to.
    static func partialReferences(in line: Substring) -> [String] {
        var names: [String] = []
        var rest = line[...]
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let first = rest.first, first == ">" || first == "<", let close = rest.range(of: "}}") else { continue }
            names.append(rest[rest.index(after: rest.startIndex)..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// Every `webhooks/*.mustache`, parsed with JSON escaping of values.
    private static func loadWebhookTemplates(directory: URL, base: String)
        -> ([String: (template: MustacheTemplate, file: String)], [InputProblem])
    {
        JSONContentType.register
        let folder = directory.appendingPathComponent("webhooks")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var templates: [String: (template: MustacheTemplate, file: String)] = [:]
        var problems: [InputProblem] = []
        let source = ShippedTemplates.Source(directory: directory, base: base)
        for name in names.sorted() where name.hasSuffix(".mustache") {
            let file = base + "webhooks/" + name
            // Read as every template is: within the template limit, as UTF-8.
            let text: String
            switch source.read("webhooks/" + name) {
            case .own(let found, _), .shipped(let found, _): text = found
            case .unreadable(_, let reason):
                problems.append(InputProblem(file: file, line: nil, field: nil, message: reason))
                continue
            case .missing:
                problems.append(InputProblem(file: file, line: nil, field: nil, message: "cannot read"))
                continue
            }
            // Every value must go through the JSON escaping: tags that bypass it are refused.
            if let tag = ["{{{", "{{&", "{{%"].first(where: text.contains) {
                let line = text.components(separatedBy: tag)[0].filter { $0 == "\n" }.count + 1
                problems.append(InputProblem(file: file, line: line, field: nil,
                                             message: "\(tag) would write a value unescaped into JSON; use {{name}}"))
                continue
            }
            do {
                templates[String(name.dropLast(".mustache".count))] =
                    (try MustacheTemplate(string: "{{% CONTENT_TYPE: JSON }}" + text), file)
            } catch let error as MustacheTemplate.ParserError {
                problems.append(InputProblem(file: file, line: error.context.lineNumber, field: nil,
                                             message: "Mustache: \(error.error)"))
            } catch {
                problems.append(InputProblem(file: file, line: nil, field: nil, message: "Mustache: \(error)"))
            }
        }
        return (templates, problems)
    }

    /// The templates that do not parse, as `<folder>/<part>.<lang>`: none for the shipped ones, whose parsing waits
    /// for first use (the tests ask).
    func unparsable() -> [String] {
        templates.filter { $0.value.value == nil }.map { Self.path($0.key.folder, $0.key.part, $0.key.language) }.sorted()
    }

    /// The template for `part` in `language`, or the English one, with the language it is written in.
    func template(_ folder: String, _ part: Part, _ language: Language) -> (MustacheTemplate, Language)? {
        if let found = templates[Key(folder: folder, part: part, language: language)]?.value { return (found, language) }
        return templates[Key(folder: folder, part: part, language: .en)]?.value.map { ($0, .en) }
    }

    /// The chat template of an event type in `language`: the event type's own, else the shared one, each in the
    /// reader's language before English.
    func chatTemplate(_ folder: String, _ language: Language) -> (MustacheTemplate, Language)? {
        for (folder, language) in [(folder, language), ("", language), (folder, .en), ("", .en)] {
            if let found = templates[Key(folder: folder, part: .chat, language: language)]?.value {
                return (found, language)
            }
        }
        return nil
    }

    /// Renders a page the daemon serves (`pages/<name>.<lang>.mustache`), in `language` or English.
    package func renderPage(_ part: Part, language: Language, values: [String: Any]) -> String {
        template("pages", part, language)?.0.render(values, library: partials) ?? ""
    }

    func labels(_ language: Language) -> Labels {
        labels[language]?.value ?? labels[.en]?.value ?? Labels()
    }
}
