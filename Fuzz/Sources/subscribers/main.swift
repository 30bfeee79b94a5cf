import CaseWatchSources
import Foundation
import FuzzDriver

exit(casewatch_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in fuzz(data!, size) })

/// A subscriber file as the subscribers folder's loader reads it: the bytes are written to the one file of a
/// folder (in memory-backed /dev/shm when there is one), which the loader lists, reads and decodes.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FileManager.default.createFile(atPath: SubscriberFolder.file.path, contents: Data(bytes: data, count: size))
    let load = SubscriberFolder.directory.load(environment: nil)
    _ = load.problems.map(\.description)
    return 0
}

enum SubscriberFolder {
    static let url: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appendingPathComponent("casewatch-fuzz-subscribers-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: SubscriberFolder.url) }
        return url
    }()
    static let file = url.appendingPathComponent("subscriber.yaml")
    static let directory = SubscriberDirectory(displayPath: "subscribers", url: url)
}
