// swift-tools-version:6.0
// libFuzzer targets for the decoders that read untrusted bytes (RLP, ABI, a node's JSON-RPC answers). A separate package so the fuzzer
// flags (-sanitize=fuzzer) never touch the main build; run through `make fuzz`.
import PackageDescription

let dependencies: [Target.Dependency] = [.product(name: "EVM", package: "Mammon"), "FuzzDriver"]

// gold crashes linking libFuzzer next to SwiftPM's renamed `main`; lld links it fine.
let linker: [LinkerSetting] = [.unsafeFlags(["-use-ld=lld"])]

let package = Package(
    name: "MammonFuzz",
    dependencies: [.package(name: "Mammon", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzRLP", dependencies: dependencies, linkerSettings: linker),
        .executableTarget(name: "FuzzABI", dependencies: dependencies, linkerSettings: linker),
        // Reads Chain's internal decoders through @testable import: `make fuzz` adds -enable-testing.
        .executableTarget(name: "FuzzRPC", dependencies: [.product(name: "Chain", package: "Mammon")] + dependencies,
                          linkerSettings: linker),
    ]
)
