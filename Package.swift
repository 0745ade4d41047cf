// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Mammon",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mammon", targets: ["mammon"]),
        // Performance figures as JSON (`swift run -c release mammon-bench`): never part of the installed binary.
        .executable(name: "mammon-bench", targets: ["mammon-bench"]),
        // Exposed so the fuzzing package in Fuzz/ can link the decoders: EVM for RLP and ABI, Chain
        // for the JSON-RPC answers a node sends (the JSON parser and the typed reads of results).
        .library(name: "EVM", targets: ["EVM"]),
        .library(name: "Chain", targets: ["Chain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The engine's control and observer sockets (and later its metrics endpoint): NIOCore/NIOPosix only.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // /metrics: the Prometheus registry and text exposition (pulls swift-metrics' CoreMetrics and swift-atomics).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries: a module map and a small shim each. Only their adapter target imports them.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        // libcurl's headers at build time; the library itself is loaded when first needed (dlopen).
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CSecp256k1", path: "Sources/CSecp256k1", pkgConfig: "libsecp256k1"),
        .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium"),
        // prctl(2) is variadic: typed wrappers for ProcessHardening. Header only, nothing to link.
        .systemLibrary(name: "CProcess", path: "Sources/CProcess"),

        .target(name: "MammonCore", swiftSettings: strict),
        .target(name: "EVM",
                dependencies: ["MammonCore", "CSecp256k1", "CSodium",
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "_CryptoExtras", package: "swift-crypto")],
                swiftSettings: strict),
        .target(name: "Chain", dependencies: ["MammonCore", "EVM", "CCurl"], swiftSettings: strict),
        .target(name: "Store", dependencies: ["MammonCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
                swiftSettings: strict),
        .target(name: "Engine", dependencies: ["MammonCore", "Store", .product(name: "Logging", package: "swift-log")],
                // The executor's async helpers run on the engine actor that calls them.
                swiftSettings: strict + [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]),
        // The engine as a service: its Unix sockets, the wire protocol's framing, the attached client.
        .target(name: "Service",
                dependencies: ["MammonCore", "Engine", "Store",
                               .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio")],
                swiftSettings: strict),
        // Engine events and RPC samples as Prometheus metrics (pure apart from the registry).
        .target(name: "MammonMetrics", dependencies: ["MammonCore", .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: strict),
        .target(name: "TerminalKit", swiftSettings: strict),
        .target(name: "Console", dependencies: ["MammonCore", "TerminalKit"], swiftSettings: strict),
        .target(name: "NcursesBackend", dependencies: ["TerminalKit", "CNcursesw"], swiftSettings: strict),
        // The engine's process: its setup, locks, paths and secrets, supervision (systemd, heartbeat),
        // metrics and alerts, the headless writer, and the one place that starts and stops them in order.
        .target(name: "Runtime",
                dependencies: ["MammonCore", "EVM", "Chain", "Store", "Engine", "Service", "MammonMetrics", "CProcess",
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        // The terminal console's process side: how it reaches an engine (in this process, or attached
        // through its socket) and the loop on its ncurses thread.
        .target(name: "ConsoleRuntime",
                dependencies: ["MammonCore", "Store", "Engine", "Service", "Console", "TerminalKit", "NcursesBackend", "Runtime"],
                swiftSettings: strict),
        // Argument parsing, wiring and exit codes.
        .executableTarget(
            name: "mammon",
            dependencies: [
                "MammonCore", "EVM", "Chain", "Store", "Engine", "Runtime", "ConsoleRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "mammon-bench",
            dependencies: [
                "MammonCore", "EVM", "Chain", "Store", "Engine", "Service", "Console", "TerminalKit", "NcursesBackend",
                "Runtime", "ConsoleRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        .testTarget(name: "MammonCoreTests", dependencies: ["MammonCore"], swiftSettings: strict),
        .testTarget(name: "EVMTests", dependencies: ["EVM"], swiftSettings: strict),
        .testTarget(name: "ChainTests", dependencies: ["Chain", "EVM", "MammonCore", "Engine", "Store", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "StoreTests", dependencies: ["Store"], swiftSettings: strict),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Chain", "Store", "Service"], swiftSettings: strict),
        .testTarget(name: "ServiceTests", dependencies: ["Service", "Engine", "Chain", "Store", "MammonCore", "TestSupport",
                                                          .product(name: "NIOCore", package: "swift-nio"),
                                                          .product(name: "NIOEmbedded", package: "swift-nio")],
                    swiftSettings: strict),
        .testTarget(name: "MetricsTests", dependencies: ["MammonMetrics", "MammonCore", "Service", "TestSupport",
                                                          .product(name: "NIOCore", package: "swift-nio"),
                                                          .product(name: "NIOHTTP1", package: "swift-nio"),
                                                          .product(name: "NIOEmbedded", package: "swift-nio")],
                    swiftSettings: strict),
        .testTarget(name: "TerminalKitTests", dependencies: ["TerminalKit"], swiftSettings: strict),
        .testTarget(name: "ConsoleTests", dependencies: ["Console"], exclude: ["Snapshots"], swiftSettings: strict),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "ConsoleRuntime", "Service", "Engine", "Chain", "Store", "MammonCore", "EVM", "Console", "TestSupport",
                                                          .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        // The executable's own wiring: the config flags generated from the ConfigKey table.
        .testTarget(name: "MammonCommandTests", dependencies: ["mammon", "MammonCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                    swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["MammonCore", "Store", "TestSupport"], swiftSettings: strict),
        // Helpers more than one test suite needs (an HTTP client with no library of ours).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
    ]
)
