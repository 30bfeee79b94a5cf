import Foundation
import InputFormats

/// An Excel workbook (.xlsx, Office Open XML) read in memory, for importers of official lists published as
/// spreadsheets: its sheets by name, and each sheet's rows with every cell's value as text.
///
/// Values: shared and inline strings (rich-text runs joined), booleans as `TRUE`/`FALSE`, formula results of type
/// `str`, numbers as written in the file (`1076`, `3.5`), and numbers styled as dates as ISO 8601 text
/// (`2026-11-28`, or `2026-11-28T10:15:00` when there is a time of day), in the workbook's date system
/// (1900, with Excel's 1900-02-29, or 1904). No part larger than `maximumPartSize` is unpacked.
package struct XLSXWorkbook: Sendable {
    /// The largest uncompressed part read: a larger one (a zip bomb, or no list CaseWatch imports) is refused.
    package static let maximumPartSize = InputLimits.xlsxPart

    private struct Sheet: Sendable {
        var name: String
        var part: String
    }

    private let archiveData: Data
    private let partSizeLimit: Int
    private let sheets: [Sheet]
    private let sharedStrings: [String]
    private let cellFormats: XLSXCellFormats

    /// The sheets' names, in the workbook's order.
    package var sheetNames: [String] { sheets.map(\.name) }

    package init(data: Data) throws(XLSXError) {
        try self.init(data: data, partSizeLimit: Self.maximumPartSize)
    }

    init(data: Data, partSizeLimit: Int) throws(XLSXError) {
        archiveData = data
        self.partSizeLimit = partSizeLimit
        let archive = try Self.open(data)
        let reader = XLSXPartReader(archive: archive, limit: partSizeLimit)

        let rootRelations = try reader.optional("_rels/.rels").map { data throws(XLSXError) in
            try XLSXRelationships.parse(data, part: "_rels/.rels", base: "")
        } ?? []
        let workbookPart = rootRelations.first { $0.type.hasSuffix("/officeDocument") }?.target ?? "xl/workbook.xml"
        let workbook = try XLSXWorkbookPart.parse(try reader.required(workbookPart), part: workbookPart)

        let folder = workbookPart.split(separator: "/").dropLast().joined(separator: "/")
        let fileName = workbookPart.split(separator: "/").last.map(String.init) ?? workbookPart
        let relationsPart = (folder.isEmpty ? "" : folder + "/") + "_rels/\(fileName).rels"
        let relations = try XLSXRelationships.parse(try reader.required(relationsPart), part: relationsPart, base: folder)

        sheets = try workbook.sheets.map { sheet throws(XLSXError) in
            guard let target = relations.first(where: { $0.id == sheet.relationshipID })?.target else {
                throw .missingPart("the part of sheet «\(sheet.name)» (relationship \(sheet.relationshipID) in \(relationsPart))")
            }
            return Sheet(name: sheet.name, part: target)
        }

        let stringsPart = relations.first { $0.type.hasSuffix("/sharedStrings") }?.target ?? "xl/sharedStrings.xml"
        sharedStrings = try reader.optional(stringsPart).map { data throws(XLSXError) in
            try XLSXSharedStrings.parse(data, part: stringsPart)
        } ?? []

        let stylesPart = relations.first { $0.type.hasSuffix("/styles") }?.target ?? "xl/styles.xml"
        let styles = try reader.optional(stylesPart).map { data throws(XLSXError) in
            try XLSXStyles.parse(data, part: stylesPart)
        } ?? XLSXStyles()
        cellFormats = XLSXCellFormats(styles: styles, date1904: workbook.date1904)
    }

    /// The rows of the sheet called `name` that hold at least one value, in the order the sheet lists them.
    package func rows(sheet name: String) throws(XLSXError) -> [XLSXRow] {
        guard let sheet = sheets.first(where: { $0.name == name }) else {
            throw .noSuchSheet(name, available: sheetNames)
        }
        let reader = XLSXPartReader(archive: try Self.open(archiveData), limit: partSizeLimit)
        return try XLSXSheetPart.parse(try reader.required(sheet.part), part: sheet.part,
                                       sharedStrings: sharedStrings, formats: cellFormats)
    }

    private static func open(_ data: Data) throws(XLSXError) -> XLSXArchive {
        guard let archive = XLSXArchive(data) else { throw .notAnArchive }
        return archive
    }
}

/// One row of a sheet.
package struct XLSXRow: Sendable, Equatable {
    /// The row's number in the sheet, from 1.
    package var number: Int
    /// The row's values by column: index 0 is column A; an empty cell is nil; trailing empty cells are left out.
    package var cells: [String?]

    package init(number: Int, cells: [String?]) {
        self.number = number
        self.cells = cells
    }
}

/// Why a workbook or one of its sheets could not be read.
package enum XLSXError: Error, Equatable, CustomStringConvertible {
    /// Not a ZIP archive at all, or one cut short (its central directory is missing).
    case notAnArchive
    /// A part is in the archive's directory but its bytes cannot be unpacked (damaged, or a bad checksum).
    case damagedPart(String)
    /// A part the workbook needs is not in the archive.
    case missingPart(String)
    /// A part larger, uncompressed, than the limit (in bytes).
    case partTooLarge(String, limit: Int)
    /// No sheet of that name; `available` lists the workbook's sheets.
    case noSuchSheet(String, available: [String])
    /// A part that is not well-formed XML, or whose content makes no sense (`detail` says what), at `line`.
    case malformedXML(part: String, line: Int, detail: String)

    package var description: String {
        switch self {
        case .notAnArchive:
            "the file is not a complete XLSX (ZIP) archive"
        case .damagedPart(let part):
            "the file is not a complete XLSX (ZIP) archive: its part \(part) cannot be unpacked"
        case .missingPart(let part):
            "the XLSX file has no \(part)"
        case .partTooLarge(let part, let limit):
            "the XLSX part \(part) is larger than the limit of \(InputLimits.describe(limit)) uncompressed; it was not read"
        case .noSuchSheet(let name, let available):
            "the workbook has no sheet «\(name)»; its sheets: \(available.map { "«\($0)»" }.joined(separator: ", "))"
        case .malformedXML(let part, let line, let detail):
            "the XLSX part \(part) is malformed at line \(line): \(detail)"
        }
    }
}

/// Unpacks parts of an archive, each no larger than `limit` bytes.
private struct XLSXPartReader {
    let archive: XLSXArchive
    let limit: Int

    func required(_ path: String) throws(XLSXError) -> Data {
        guard let data = try optional(path) else { throw .missingPart(path) }
        return data
    }

    func optional(_ path: String) throws(XLSXError) -> Data? {
        guard let entry = archive.entry(path) else { return nil }
        do {
            return try archive.contents(of: entry, limit: limit)
        } catch .tooLarge {
            throw .partTooLarge(path, limit: limit)
        } catch {
            throw .damagedPart(path)
        }
    }
}
