import CaseWatchSources
import Foundation
import FuzzDriver

exit(casewatch_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzz(data!, size) })

/// Bytes as an XLSX workbook, as an importer reads an official list: the archive, its workbook, styles and strings,
/// then every sheet's rows.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let workbook = try? XLSXWorkbook(data: Data(bytes: data, count: size)) else { return 0 }
    for name in workbook.sheetNames.prefix(4) {
        _ = try? workbook.rows(sheet: name)
    }
    return 0
}
