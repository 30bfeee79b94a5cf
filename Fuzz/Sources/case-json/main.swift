import CaseWatchSources
import Foundation
import FuzzDriver

exit(casewatch_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzz(data!, size) })

/// A case file in JSON, as a registry folder's loader decodes it (the fast path first, the tree when it declines).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var load = RegistryLoad()
    JSONRecords(authorityIDs: ["ru-supreme-court"]).decode(Data(bytes: data, count: size), display: "registry/fuzz.json",
                                                           into: &load)
    _ = load.problems.map(\.description)
    return 0
}
