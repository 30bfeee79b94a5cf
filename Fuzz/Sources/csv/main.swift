import CaseWatchSources
import Foundation
import InputFormats
import FuzzDriver

exit(casewatch_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzz(data!, size) })

/// CSV as a registry source reads it: the table itself, then the rows as cases.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    var load = RegistryLoad()
    CSVRecords().decode(bytes, display: "registry/fuzz.csv", into: &load)
    _ = load.problems.map(\.description)
    let rows = CSVTable.parse(String(decoding: bytes, as: UTF8.self))
    var previous = 0
    for row in rows {
        // Rows come in the order of the text, each on a line of it.
        precondition(row.line > previous && row.line <= bytes.count + 1, "row line \(row.line) after \(previous)")
        previous = row.line
    }
    return 0
}
