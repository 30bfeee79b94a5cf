import CaseWatchSources
import Foundation
import FuzzDriver

exit(casewatch_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzz(data!, size) })

/// A registry feed's body as the feed source parses it: JSON, or CSV when the first byte is odd (as when the server
/// answers `text/csv`).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let feed = RegistryFeed(url: "https://registry.example.org/cases.json")
    let contentType = size > 0 && data[0] & 1 == 1 && data[0] != UInt8(ascii: "[") ? "text/csv" : "application/json"
    let load = feed.parse(Array(UnsafeBufferPointer(start: data, count: size)), contentType: contentType)
    _ = load.problems.map(\.description)
    return 0
}
