import CaseWatchModel
import CaseWatchTesting
import Foundation
import Testing

@testable import CaseWatchRendering

/// The templates the binary carries, for an operator's folder that lacks some.
@Suite("Shipped templates")
struct ShippedTemplatesTests {
    @Test("the binary carries templates/ exactly (run scripts/ship-templates.py after editing it)")
    func sameAsTheFolder() throws {
        let folder = RepositoryFiles.url("templates")
        var onDisk: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let name = walker?.nextObject() as? String {
            guard name.hasSuffix(".mustache") || name.hasSuffix(".yaml") else { continue }
            onDisk[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        #expect(onDisk.keys.sorted() == ShippedTemplates.files.keys.sorted())
        for (name, text) in onDisk { #expect(ShippedTemplates.files[name] == text, "\(name)") }
    }

    @Test("every shipped template and label file parses (their parsing waits for first use at run time)")
    func shippedParse() throws {
        let (templates, problems) = TemplateSet.load(directory: RepositoryFiles.url("templates"), displayPath: "templates/")
        #expect(problems.isEmpty, "\(problems)")
        #expect(templates.unparsable().isEmpty, "\(templates.unparsable())")
        #expect(templates.templates.count > 100)
        for language in Language.allCases {
            let name = "labels/\(language.rawValue).yaml"
            let (labels, labelProblems) = Labels.load(file: name, url: URL(fileURLWithPath: "/nonexistent/\(name)"),
                                                      shipped: ShippedTemplates.files[name])
            #expect(labels != nil && labelProblems.isEmpty, "\(name): \(labelProblems)")
        }
    }

    @Test("an operator's template that differs from the shipped one is parsed at load, its error reported")
    func ownTemplateChecked() throws {
        let directory = try TemporaryDirectory("casewatch-own-template")
        try RepositoryFiles.copy(["templates"], into: directory)
        let file = directory.url.appendingPathComponent("templates/case.added/email.subject.fr.mustache")
        try Data("Nouvelle affaire {{#case}}\n".utf8).write(to: file)
        let (_, problems) = TemplateSet.load(directory: directory.url.appendingPathComponent("templates"),
                                             displayPath: "templates/")
        #expect(problems.errors.contains { $0.file == "templates/case.added/email.subject.fr.mustache" && $0.message.hasPrefix("Mustache") },
                "\(problems)")
    }

    @Test("a folder without a template, a partial or a label key renders what the full folder renders, with a warning")
    func fallback() throws {
        let directory = try TemporaryDirectory("casewatch-shipped")
        try RepositoryFiles.copy(["templates"], into: directory)
        let folder = directory.url.appendingPathComponent("templates")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("case.step_added"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("partials/case.txt.fr.mustache"))
        let labels = folder.appendingPathComponent("labels/en.yaml")
        let text = try String(contentsOf: labels, encoding: .utf8)
        try text.replacingOccurrences(of: "\nphrases:", with: "\nunused_section_kept_out:").write(to: labels, atomically: true,
                                                                                                  encoding: .utf8)
        let (partial, problems) = TemplateSet.load(directory: folder, displayPath: "templates/")
        #expect(problems.errors.isEmpty, "\(problems)")
        #expect(problems.contains { $0.message.contains("the shipped default is used") })
        let (full, _) = TemplateSet.load(directory: RepositoryFiles.url("templates"), displayPath: "templates/")
        for type in [EventType.stepAdded, .statusChanged] {
            for language in Language.allCases {
                let event = RenderingTests.event(type)
                let subscriber = Subscriber(id: "r", name: "Reader", language: language)
                #expect(AlertRenderer(templates: partial).render(event, for: subscriber, unsubscribeURL: nil)
                    == AlertRenderer(templates: full).render(event, for: subscriber, unsubscribeURL: nil),
                    "\(type) \(language)")
            }
        }
    }
}
