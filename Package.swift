// swift-tools-version:6.1
import PackageDescription

/// The git revision baked into `mongodb_apikey_exporter_build_info`; "unknown" outside a git checkout.
let revision = Context.gitInformation.map { String($0.currentCommit.prefix(12)) } ?? "unknown"

let package = Package(
    name: "mongodb_apikey_exporter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mongodb_apikey_exporter", targets: ["mongodb_apikey_exporter"]),
        .library(name: "APIKeyExporter", targets: ["APIKeyExporter"]),
        .library(name: "AtlasSimulator", targets: ["AtlasSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CIsal",
            providers: [.apt(["libisal-dev"])]
        ),
        // libyaml for the config files (Debian's libyaml-0-2), read by Config/YAMLNode.swift.
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CCrypt",
            providers: [.apt(["libcrypt-dev"])]
        ),
        .target(
            name: "CBuildInfo",
            cSettings: [.define("EXPORTER_REVISION", to: "\"\(revision)\"")]
        ),
        .target(name: "CMalloc"),
        // String helpers in place of Foundation's ICU-backed ones (the image links FoundationEssentials only).
        .target(name: "TextSupport"),
        .target(
            name: "DigestHeader",
            dependencies: ["TextSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "APIKeyExporter",
            dependencies: [
                "CCurl",
                "CCrypt",
                "CZlib",
                "CIsal",
                "CLibYAML",
                "CBuildInfo",
                "CMalloc",
                "DigestHeader",
                "ServerSupport",
                "TextSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // What the exporter's server and the simulator's share: a child channel that never traps at shutdown.
        .target(
            name: "ServerSupport",
            dependencies: [
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "AtlasSimulator",
            dependencies: [
                "DigestHeader",
                "ServerSupport",
                "TextSupport",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "mongodb_apikey_exporter",
            dependencies: [
                "APIKeyExporter",
                "AtlasSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "apikey-benchmark",
            dependencies: [
                "APIKeyExporter",
                "AtlasSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What the test targets share: helpers, servers they start, fixtures' paths. Not a product.
        .target(
            name: "TestSupport",
            dependencies: [
                "APIKeyExporter",
                "AtlasSimulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support"
        ),
        // In-process tests that need no external tool: `swift test --filter UnitTests` runs them in seconds.
        .testTarget(
            name: "UnitTests",
            dependencies: [
                "APIKeyExporter",
                "AtlasSimulator",
                "TestSupport",
                "ServerSupport",
                "apikey-benchmark",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/UnitTests"
        ),
        // The built binary, and what checks it from outside: Apache, Prometheus and promtool, Python's parsers,
        // openssl, checkov, the Dockerfile's build context.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "APIKeyExporter",
                "AtlasSimulator",
                "DigestHeader",
                "TestSupport",
                "mongodb_apikey_exporter",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/IntegrationTests"
        ),
    ]
)
