// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CaseWatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "casewatch", targets: ["casewatch"]),
        .library(name: "CaseWatch", targets: ["CaseWatch"]),
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
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "Curl", dependencies: ["CCurl"]),
        .target(name: "InternetMessage"),
        .target(
            name: "CaseWatch",
            dependencies: [
                "Curl",
                "InternetMessage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "CaseWatchDaemon",
            dependencies: [
                "CaseWatch",
                .product(name: "Hummingbird", package: "hummingbird"),
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
                "CaseWatch",
                "CaseWatchDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CaseWatchTesting", dependencies: ["CaseWatch"]),
        .executableTarget(
            name: "casewatch-bench",
            dependencies: ["CaseWatch", "CaseWatchTesting", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/Sources/casewatch-bench"
        ),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "CaseWatchTesting"]),
        .testTarget(name: "InternetMessageTests", dependencies: ["InternetMessage"]),
        .testTarget(name: "CaseWatchTests", dependencies: ["CaseWatch", "CaseWatchTesting"]),
        .testTarget(name: "EndToEndTests", dependencies: ["CaseWatch", "CaseWatchTesting"]),
        .testTarget(name: "DaemonTests", dependencies: ["CaseWatchDaemon", "CaseWatchTesting", "Curl"]),
    ]
)
