import CaseWatchModel
import Mustache

/// Renders the console's pages: a page's template, then the layout around it. The templates are parsed once, when
/// `serve` starts; they are part of the binary, so a parse error is a defect caught by the tests.
struct ConsoleRenderer: Sendable {
    enum Page: String, CaseIterable {
        case login, message, cases, timeline, outbox, subscribers, silences, sources
    }

    private let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        let templates: [String: String] = [
            "layout": ConsoleTemplates.layout, "fields": ConsoleTemplates.actionFields,
            "deliveries": ConsoleTemplates.deliveries, Page.login.rawValue: ConsoleTemplates.login,
            Page.message.rawValue: ConsoleTemplates.message, Page.cases.rawValue: ConsoleTemplates.cases,
            Page.timeline.rawValue: ConsoleTemplates.timeline, Page.outbox.rawValue: ConsoleTemplates.outbox,
            Page.subscribers.rawValue: ConsoleTemplates.subscribers, Page.silences.rawValue: ConsoleTemplates.silences,
            Page.sources.rawValue: ConsoleTemplates.sources,
        ]
        for (name, text) in templates {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("the console's template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// What every page has: its title, the labels, and, when signed in, the session's CSRF token and flash.
    struct Frame {
        var title: String
        var labels: ConsoleLabels
        var language: Language = .en
        var csrf: String?
        var back: String = "/console/cases"
        var flash: String?
        var error: String?
    }

    func render(_ page: Page, frame: Frame, values: [String: Any] = [:]) -> String {
        var context: [String: Any] = ["l": frame.labels.texts, "title": frame.title, "style": ConsoleTemplates.style,
                                      "language": frame.language.rawValue, "back": frame.back]
        if let csrf = frame.csrf {
            context["csrf"] = csrf
            context["signedIn"] = true
        }
        if let flash = frame.flash { context["flash"] = flash }
        if let error = frame.error { context["error"] = error }
        context.merge(values) { _, value in value }
        context["body"] = library.render(context, withTemplate: page.rawValue) ?? ""
        return library.render(context, withTemplate: "layout") ?? ""
    }
}
