// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "VigilCore", targets: ["VigilCore"]),
        .library(name: "VigilLab", targets: ["VigilLab"]),
        .library(name: "VigilTesting", targets: ["VigilTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.11.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // Already built for async-http-client and HummingbirdTLS; named for the certificate checks of ServerTLS.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.2"),
    ],
    targets: [
        // Domain types, JSON, ATT&CK catalog, alert intake decoding. No I/O, no other Vigil target.
        .target(name: "VigilCore"),
        // The simulated enterprise and its seeded scenario generator.
        .target(name: "VigilLab", dependencies: ["VigilCore"]),
        // The system zlib, for reading gzip-compressed logs (Debian: zlib1g-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // Embedded SIEM: log reading, Sigma rule engine, detection (store and search come with it).
        .target(
            name: "VigilSIEM",
            dependencies: [
                "VigilCore", "CZlib", .product(name: "Yams", package: "Yams"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // One protocol per platform (the port) and its backends: the lab now, vendor connectors later.
        .target(name: "VigilPlatforms", dependencies: ["VigilCore", "VigilLab", "VigilSIEM"]),
        // MCP servers per platform on the MCP Swift SDK, their transports, and the host side.
        .target(
            name: "VigilMCP",
            dependencies: [
                "VigilCore", "VigilPlatforms", "VigilGuard",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        // The Guard around every tool call: policy and approvals, rate limits, audit log, scanning, integrity.
        .target(
            name: "VigilGuard",
            dependencies: [
                "VigilCore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]),
        // The agents: MCP host through the Guard, model providers, tiers, playbooks, the offline reasoner, triage, cases.
        .target(
            name: "VigilAgents",
            dependencies: [
                "VigilCore", "VigilMCP", "VigilGuard", .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // Vigil's HTTP server: the approvals API (intake and cases are to follow).
        .target(
            name: "VigilServer",
            dependencies: [
                "VigilCore", "VigilGuard", "VigilMCP", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Shared test helpers: fixtures, fake clock, the scripted model server.
        .target(
            name: "VigilTesting",
            dependencies: [
                "VigilCore", "VigilLab", "VigilGuard", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        // The command-line tool. Thin: parses arguments, loads configuration, calls the targets above.
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore", "VigilLab", "VigilSIEM", "VigilPlatforms", "VigilMCP", "VigilGuard", "VigilAgents",
                "VigilServer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Benchmarks: separate executables that print figures (see BENCHMARKS.md).
        .executableTarget(
            name: "vigil-bench-lab", dependencies: ["VigilCore", "VigilLab"], path: "Benchmarks/LabBenchmark"),
        .executableTarget(
            name: "vigil-bench-siem", dependencies: ["VigilCore", "VigilLab", "VigilSIEM"], path: "Benchmarks/SIEMBenchmark"),
        .executableTarget(name: "vigil-bench-mcp", dependencies: ["VigilCore"], path: "Benchmarks/MCPBenchmark"),
        .executableTarget(
            name: "vigil-bench-guard", dependencies: ["VigilCore", "VigilGuard", "VigilLab", "VigilAgents"],
            path: "Benchmarks/GuardBenchmark"),
        .executableTarget(name: "vigil-bench-audit", dependencies: ["VigilCore", "VigilGuard"], path: "Benchmarks/AuditBenchmark"),
        .executableTarget(name: "vigil-agreement", dependencies: ["VigilCore", "VigilSIEM"], path: "Benchmarks/AgreementReport"),

        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore", "VigilTesting"]),
        .testTarget(name: "VigilLabTests", dependencies: ["VigilCore", "VigilLab", "VigilTesting"]),
        .testTarget(name: "VigilSIEMTests", dependencies: ["VigilCore", "VigilLab", "VigilSIEM", "VigilTesting"]),
        .testTarget(name: "VigilPlatformsTests", dependencies: ["VigilCore", "VigilPlatforms", "VigilSIEM", "VigilTesting"]),
        .testTarget(
            name: "VigilMCPTests",
            dependencies: [
                "VigilCore", "VigilPlatforms", "VigilMCP", "VigilTesting", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "VigilGuardTests",
            dependencies: ["VigilCore", "VigilGuard", "VigilTesting", "VigilMCP", "VigilPlatforms", "VigilLab"]),
        .testTarget(
            name: "VigilAgentsTests",
            dependencies: [
                "VigilCore", "VigilAgents", "VigilGuard", "VigilMCP", "VigilPlatforms", "VigilLab", "VigilTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "VigilServerTests",
            dependencies: [
                "VigilCore", "VigilGuard", "VigilMCP", "VigilServer", "VigilTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .testTarget(
            name: "vigilTests", dependencies: ["vigil", "VigilCore", "VigilAgents", "VigilGuard", "VigilLab", "VigilTesting"]),
    ]
)

// Strict settings for every target: Swift 6 language mode (tools 6.1 default), ExistentialAny, and
// warnings as errors. Test targets are exempt from the last: Swift Testing's macros emit warnings of
// their own in Swift 6.3 that the code under test cannot fix.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    if target.type != .test {
        settings.append(.unsafeFlags(["-warnings-as-errors"]))
    }
    target.swiftSettings = settings
}
