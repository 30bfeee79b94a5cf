import CaseWatchTesting
import Foundation
import InputFormats
import Testing

@testable import CaseWatchSources

/// Inputs the fuzz targets (Fuzz/, scripts/fuzz.sh) found crashing a loader, each fed to that loader again: it must
/// refuse them with an error, not trap.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// The fuzz targets' XLSX seed: a small workbook, as the Ministry's undesirable list is laid out.
    static func seedWorkbook() throws -> Data {
        try Data(contentsOf: RepositoryFiles.url("Fuzz/seeds/xlsx/undesirable-list.xlsx"))
    }

    /// Sets the local-header offset of every central-directory entry of a ZIP archive to `offset`.
    static func pointingEntries(of archive: Data, at offset: UInt32) -> Data {
        var bytes = [UInt8](archive)
        var index = 0
        while index + 46 <= bytes.count {
            if bytes[index..<index + 4] == [0x50, 0x4B, 0x01, 0x02] {
                withUnsafeBytes(of: offset.littleEndian) { bytes.replaceSubrange(index + 42..<index + 46, with: $0) }
            }
            index += 1
        }
        return Data(bytes)
    }

    @Test("an XLSX whose entries point past the end of the file is refused, where reading it from memory trapped")
    func entryPastTheEnd() throws {
        let seed = try Self.seedWorkbook()
        #expect(try XLSXWorkbook(data: seed).sheetNames == ["Лист 1"])
        // The fuzzer's input had one entry pointing 2.7 GB into a 2 KB file; every entry does here.
        for offset: UInt32 in [2_723_117_627, UInt32(seed.count) + 1, UInt32.max] {
            let damaged = Self.pointingEntries(of: seed, at: offset)
            #expect(damaged != seed)
            #expect(throws: XLSXError.self) {
                let workbook = try XLSXWorkbook(data: damaged)
                _ = try workbook.rows(sheet: "Лист 1")
            }
        }
    }

    @Test("an XLSX whose sheet's deflate stream never ends is refused as damaged, where unpacking it spun for ever",
          .timeLimit(.minutes(1)))
    func deflateStreamWithoutEnd() throws {
        // The fuzzer's input: the seed with seven bytes changed, the dictionary's "<rPh>" among them, written into the
        // compressed bytes of the last part (xl/worksheets/sheet1.xml), so that its stream runs on past them.
        var bytes = [UInt8](try Self.seedWorkbook())
        try #require(bytes.count == 2264, "the seed workbook changed; the offsets below are those of the one it was")
        for (offset, value) in [(210, 74), (1721, 41), (1779, 60), (1780, 114), (1781, 80), (1782, 104), (1783, 62)] {
            bytes[offset] = UInt8(value)
        }
        let workbook = try XLSXWorkbook(data: Data(bytes))
        let error = #expect(throws: XLSXError.self) { try workbook.rows(sheet: "Лист 1") }
        #expect(error == .damagedPart("xl/worksheets/sheet1.xml"))
    }
}
