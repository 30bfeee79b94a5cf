// swift-tools-version:6.0
import Foundation
import PackageDescription

// CaseWatch's fuzz targets: one libFuzzer executable per loader of input written by others. A package of its own
// because SwiftPM applies a sanitizer to a whole build: `scripts/fuzz.sh` builds this package, and with it the
// loaders it tests, into `.build-fuzz` with `-sanitize=fuzzer,address`, so normal builds stay untouched. Each
// target's main hands its `LLVMFuzzerTestOneInput` to libFuzzer's driver (`FuzzDriver`), as SwiftPM gives every
// executable a main of its own.
//
// CaseWatch's modules share their API at `package` access, which only modules of the same package name see. The
// targets here are compiled under CaseWatch's package name (its folder's name, as SwiftPM derives a path
// dependency's identity) so that they call the loaders exactly as CaseWatch does.
let caseWatchFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let caseWatchIdentity = caseWatchFolder.lastPathComponent.lowercased()
// What SwiftPM passes as `-package-name`: the identity as a C99 identifier (`cw-ci` → `cw_ci`).
let caseWatchPackageName: String = {
    var name = String(caseWatchIdentity.unicodeScalars.map { scalar -> Character in
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" ? Character(scalar) : "_"
    })
    if let first = name.unicodeScalars.first, ("0"..."9").contains(first) { name = "_" + name }
    return name
}()

func fuzzTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzDriver", .product(name: "CaseWatchLoaders", package: caseWatchIdentity)],
        path: "Sources/\(name)",
        // SwiftPM's own package name for this package is left out, so that the one given here holds.
        packageAccess: false,
        swiftSettings: [.unsafeFlags(["-package-name", caseWatchPackageName])]
    )
}

let package = Package(
    name: "CaseWatchFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        // libFuzzer's driver, called from each target's main.
        .target(name: "FuzzDriver", path: "Sources/FuzzDriver"),
        fuzzTarget("case-yaml"),
        fuzzTarget("case-json"),
        fuzzTarget("subscribers"),
        fuzzTarget("configuration"),
        fuzzTarget("csv"),
        fuzzTarget("xlsx"),
        fuzzTarget("feed"),
        fuzzTarget("email-address"),
        fuzzTarget("headers"),
    ]
)
