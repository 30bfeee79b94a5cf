// swift-tools-version:6.0
import PackageDescription

// The walls of CaseWatch. Each target may import only the ones before it, and the compiler holds it so:
//
//   CaseWatchModel ← CaseWatchPipeline ← { CaseWatchSources, CaseWatchRendering ← CaseWatchChannels, CaseWatchStore }
//                                      ← CaseWatchSQLite, CaseWatchPostgres (engines of CaseWatchStore) ← CaseWatchApp
//                                      ← { CaseWatchDaemon, casewatch }
//
// InputFormats (YAML, JSON and CSV into located trees), InternetMessage (RFC 5322), Curl and CCurl (libcurl)
// know nothing of cases. Everything is `package` access: the product is the executable, not a library.
let package = Package(
    name: "CaseWatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "casewatch", targets: ["casewatch"]),
        // The loaders of input written by others, for the fuzz targets of Fuzz/Package.swift (scripts/fuzz.sh).
        .library(name: "CaseWatchLoaders", targets: ["InputFormats", "CaseWatchSources", "InternetMessage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Walls that know nothing of cases.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "Curl", dependencies: ["CCurl"]),
        .target(name: "InternetMessage"),
        .target(name: "InputFormats", dependencies: [.product(name: "Yams", package: "Yams")]),

        // The vocabulary and the pure stages.
        .target(name: "CaseWatchModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "CaseWatchPipeline", dependencies: ["CaseWatchModel", .product(name: "Crypto", package: "swift-crypto")]),

        // The stages' edges: where cases come from, how alerts read, how they leave, where state is kept.
        .target(
            name: "CaseWatchSources",
            dependencies: ["CaseWatchModel", "CaseWatchPipeline", "InputFormats", "Curl", "InternetMessage",
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(
            name: "CaseWatchRendering",
            dependencies: ["CaseWatchModel", "CaseWatchPipeline", "InputFormats",
                           .product(name: "Mustache", package: "swift-mustache")]
        ),
        .target(
            name: "CaseWatchChannels",
            dependencies: ["CaseWatchModel", "CaseWatchPipeline", "CaseWatchRendering", "InputFormats",
                           "InternetMessage", "Curl", .product(name: "Crypto", package: "swift-crypto"),
                           // RSA for DKIM's rsa-sha256 (`_RSA.Signing`).
                           .product(name: "_CryptoExtras", package: "swift-crypto")]
        ),
        .target(name: "CaseWatchStore", dependencies: ["CaseWatchModel", "CaseWatchPipeline"]),
        .target(name: "CaseWatchStoreConformance", dependencies: ["CaseWatchStore", "CaseWatchModel", "CaseWatchPipeline"]),
        .target(
            name: "CaseWatchSQLite",
            dependencies: ["CaseWatchStore", "CaseWatchModel", "CaseWatchPipeline",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto")]
        ),

        .target(
            name: "CaseWatchPostgres",
            dependencies: ["CaseWatchStore", "CaseWatchModel", "CaseWatchPipeline",
                           .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "Logging", package: "swift-log")]
        ),

        // Use cases and the composition root, then the two shells.
        .target(
            name: "CaseWatchApp",
            dependencies: [
                "CaseWatchModel", "CaseWatchPipeline", "CaseWatchSources", "CaseWatchRendering", "CaseWatchChannels",
                "CaseWatchStore", "CaseWatchSQLite", "CaseWatchPostgres", "InputFormats", "InternetMessage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CaseWatchDaemon",
            dependencies: [
                "CaseWatchApp",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "casewatch",
            dependencies: [
                "CaseWatchApp",
                "CaseWatchDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Test support: the in-memory store, a recording transport, launchers of real peers.
        .target(
            name: "CaseWatchTesting",
            dependencies: ["CaseWatchModel", "CaseWatchPipeline", "CaseWatchStore", "CaseWatchChannels"]
        ),
        .executableTarget(
            name: "casewatch-bench",
            dependencies: ["CaseWatchApp", "CaseWatchChannels", "CaseWatchModel", "CaseWatchPipeline", "CaseWatchRendering",
                           "CaseWatchSQLite", "CaseWatchSources", "CaseWatchStore", "InputFormats", "CaseWatchTesting", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/Sources/casewatch-bench"
        ),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "CaseWatchTesting"]),
        .testTarget(name: "InternetMessageTests", dependencies: ["InternetMessage"]),
        .testTarget(name: "CaseWatchTests", dependencies: ["CaseWatchApp", "CaseWatchChannels", "CaseWatchModel", "CaseWatchPipeline", "CaseWatchRendering",
                           "CaseWatchSQLite", "CaseWatchPostgres", "CaseWatchSources", "CaseWatchStore", "InputFormats", "CaseWatchTesting", "CaseWatchStoreConformance"]),
        .testTarget(name: "EndToEndTests", dependencies: ["CaseWatchApp", "CaseWatchChannels", "CaseWatchModel", "CaseWatchPipeline", "CaseWatchRendering",
                           "CaseWatchSQLite", "CaseWatchSources", "CaseWatchStore", "InputFormats", "CaseWatchTesting"]),
        .testTarget(name: "DaemonTests", dependencies: ["CaseWatchDaemon", "CaseWatchApp", "CaseWatchChannels", "CaseWatchModel", "CaseWatchPipeline", "CaseWatchRendering",
                           "CaseWatchSQLite", "CaseWatchSources", "CaseWatchStore", "InputFormats", "CaseWatchTesting", "Curl"]),
    ]
)
