import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What an XML part's reader is told, element by element. Names are local: a prefix (`x:c`, `r:id`) is dropped.
protocol XLSXXMLHandler: AnyObject {
    func start(_ element: String, _ attributes: [String: String], path: [String], line: Int) throws(XLSXError)
    func end(_ element: String, path: [String], line: Int) throws(XLSXError)
    func text(_ text: String, path: [String])
}

/// Runs XMLParser over one part, handing its elements to a handler.
final class XLSXXMLReader: NSObject, XMLParserDelegate {
    private let part: String
    private let handler: any XLSXXMLHandler
    private var path: [String] = []
    private var failure: XLSXError?

    private init(part: String, handler: any XLSXXMLHandler) {
        self.part = part
        self.handler = handler
    }

    static func read(_ data: Data, part: String, into handler: any XLSXXMLHandler) throws(XLSXError) {
        if declaresDTD(data) {
            throw .malformedXML(part: part, line: 1, detail: "it declares a DTD, which no XLSX part has")
        }
        let reader = XLSXXMLReader(part: part, handler: handler)
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        let parsed = parser.parse()
        if let failure = reader.failure { throw failure }
        guard parsed else {
            throw .malformedXML(part: part, line: parser.lineNumber, detail: "not well-formed XML")
        }
    }

    /// Whether a `<!DOCTYPE` comes before the root element: entity declarations are how XML bombs work.
    private static func declaresDTD(_ data: Data) -> Bool {
        let doctype = Array("<!DOCTYPE".utf8)
        var index = data.startIndex
        while index < data.endIndex, let open = data[index...].firstIndex(of: UInt8(ascii: "<")) {
            let next = data.index(after: open)
            guard next < data.endIndex else { return false }
            let byte = data[next]
            if byte != UInt8(ascii: "!"), byte != UInt8(ascii: "?") { return false }  // the root element
            if data[open...].starts(with: doctype) { return true }
            index = next
        }
        return false
    }

    private static func localName(_ name: String) -> String {
        name.firstIndex(of: ":").map { String(name[name.index(after: $0)...]) } ?? name
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        let name = Self.localName(elementName)
        // Most elements (every cell) have neither prefixed attributes nor namespace declarations: no copy then.
        var local = attributes
        if attributes.keys.contains(where: { $0.utf8.contains(UInt8(ascii: ":")) || $0.hasPrefix("xmlns") }) {
            local = [:]
            for (key, value) in attributes where !key.hasPrefix("xmlns") { local[Self.localName(key)] = value }
        }
        path.append(name)
        do {
            try handler.start(name, local, path: path, line: parser.lineNumber)
        } catch {
            failure = error
            parser.abortParsing()
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        do {
            try handler.end(Self.localName(elementName), path: path, line: parser.lineNumber)
        } catch {
            failure = error
            parser.abortParsing()
        }
        path.removeLast()
    }

    /// libxml2's warnings (namespace URIs, xml:lang values and the like), which do not make a part unreadable.
    private static let warnings: Set<Int> = [27, 93, 97, 98, 99, 100, 102, 106, 107]

    /// XMLParser recovers from some errors and still returns true from `parse()`, so every error is caught here.
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        let code = (parseError as NSError).code
        guard failure == nil, !Self.warnings.contains(code) else { return }
        let reason = switch code {
        case 4: "the part is empty"
        case 5: "the document ends too early, or has content after its end"
        case 9: "a character that is not allowed in XML, or bytes that are not UTF-8"
        case 26: "a reference to an undeclared entity"
        case 73: "a tag is not closed with >"
        case 76: "a closing tag does not match the element it closes"
        case 77: "an element is not closed"
        default: "libxml2 error \(code)"
        }
        failure = .malformedXML(part: part, line: parser.lineNumber, detail: "not well-formed XML: \(reason)")
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        handler.text(string, path: path)
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        handler.text(String(decoding: CDATABlock, as: UTF8.self), path: path)
    }
}

/// The relationships of a part (`_rels/….rels`): ids, types and targets resolved to paths in the archive.
enum XLSXRelationships {
    struct Relationship {
        var id: String
        var type: String
        var target: String
    }

    private final class Handler: XLSXXMLHandler {
        let base: String
        var relationships: [Relationship] = []
        init(base: String) { self.base = base }

        func start(_ element: String, _ attributes: [String: String], path: [String], line: Int) throws(XLSXError) {
            guard element == "Relationship", attributes["TargetMode"] != "External",
                  let id = attributes["Id"], let target = attributes["Target"] else { return }
            relationships.append(Relationship(id: id, type: attributes["Type"] ?? "", target: resolve(target)))
        }

        func end(_ element: String, path: [String], line: Int) {}
        func text(_ text: String, path: [String]) {}

        /// `/xl/worksheets/sheet1.xml` is from the archive's root; `worksheets/sheet1.xml` from the base folder.
        private func resolve(_ target: String) -> String {
            let joined = target.hasPrefix("/") ? target : (base.isEmpty ? target : base + "/" + target)
            var parts: [Substring] = []
            for part in joined.split(separator: "/") {
                if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(part) }
            }
            return parts.joined(separator: "/")
        }
    }

    static func parse(_ data: Data, part: String, base: String) throws(XLSXError) -> [Relationship] {
        let handler = Handler(base: base)
        try XLSXXMLReader.read(data, part: part, into: handler)
        return handler.relationships
    }
}

/// xl/workbook.xml: the sheets in order, and the date system.
final class XLSXWorkbookPart: XLSXXMLHandler {
    struct Sheet {
        var name: String
        var relationshipID: String
    }

    private let part: String
    private(set) var sheets: [Sheet] = []
    private(set) var date1904 = false

    private init(part: String) { self.part = part }

    static func parse(_ data: Data, part: String) throws(XLSXError) -> XLSXWorkbookPart {
        let handler = XLSXWorkbookPart(part: part)
        try XLSXXMLReader.read(data, part: part, into: handler)
        return handler
    }

    func start(_ element: String, _ attributes: [String: String], path: [String], line: Int) throws(XLSXError) {
        switch element {
        case "workbookPr":
            date1904 = ["1", "true"].contains(attributes["date1904"]?.lowercased())
        case "sheet":
            guard let name = attributes["name"], let id = attributes["id"] else {
                throw .malformedXML(part: part, line: line, detail: "a sheet without a name or an r:id")
            }
            sheets.append(Sheet(name: name, relationshipID: id))
        default:
            break
        }
    }

    func end(_ element: String, path: [String], line: Int) {}
    func text(_ text: String, path: [String]) {}
}

/// xl/sharedStrings.xml: each `<si>`'s text, its rich-text runs (`<r><t>`) joined, phonetic runs (`<rPh>`) left out.
final class XLSXSharedStrings: XLSXXMLHandler {
    private var strings: [String] = []
    private var current = ""

    static func parse(_ data: Data, part: String) throws(XLSXError) -> [String] {
        let handler = XLSXSharedStrings()
        try XLSXXMLReader.read(data, part: part, into: handler)
        return handler.strings
    }

    func start(_ element: String, _ attributes: [String: String], path: [String], line: Int) throws(XLSXError) {
        if element == "si" { current = "" }
    }

    func end(_ element: String, path: [String], line: Int) {
        if element == "si" { strings.append(current) }
    }

    func text(_ text: String, path: [String]) {
        if XLSXSharedStrings.isStringText(path, item: "si") { current += text }
    }

    /// Whether `path` ends in the text of a string item: `item/t` or `item/r/t`.
    static func isStringText(_ path: [String], item: String) -> Bool {
        guard path.last == "t", path.count >= 2 else { return false }
        let parent = path[path.count - 2]
        return parent == item || (parent == "r" && path.count >= 3 && path[path.count - 3] == item)
    }
}

/// xl/styles.xml: the custom number formats, and each cell format's (`cellXfs/xf`) number format id.
final class XLSXStyles: XLSXXMLHandler {
    private(set) var formatCodes: [Int: String] = [:]
    private(set) var cellFormatIDs: [Int] = []

    static func parse(_ data: Data, part: String) throws(XLSXError) -> XLSXStyles {
        let handler = XLSXStyles()
        try XLSXXMLReader.read(data, part: part, into: handler)
        return handler
    }

    func start(_ element: String, _ attributes: [String: String], path: [String], line: Int) throws(XLSXError) {
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        if element == "numFmt", parent == "numFmts", let id = attributes["numFmtId"].flatMap({ Int($0) }) {
            formatCodes[id] = attributes["formatCode"] ?? ""
        } else if element == "xf", parent == "cellXfs" {
            cellFormatIDs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        }
    }

    func end(_ element: String, path: [String], line: Int) {}
    func text(_ text: String, path: [String]) {}
}
