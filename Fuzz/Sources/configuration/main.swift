import CaseWatchSources
import Foundation
import FuzzDriver

exit(casewatch_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzz(data!, size) })

/// A configuration file (`casewatch.yml`) as `check`, `run` and `serve` read it: the bytes are the file.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        let configuration = try Configuration.decode(Data(bytes: data, count: size), path: "/etc/casewatch/casewatch.yml")
        _ = configuration.warnings.map(\.description)
    } catch {
        _ = error.description
    }
    return 0
}
