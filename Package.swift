// swift-tools-version:6.1
// Prometheus remote storage on Amazon Timestream for LiveAnalytics, as an AWS Lambda custom runtime.
// Modules follow the data path: CurlHTTP → LambdaRuntime (events in/out) → Connector (the service) →
// RemoteStorage (snappy + protobuf) → TimestreamTranslation (pure) → TimestreamCodec → AWS (SigV4 + Timestream)
// → CurlHTTP. `bootstrap` has no Swift package dependencies: only the toolchain and the system's libcurl /
// libcrypto / zlib. The standalone server (`timestream-prometheus-connector`, the StandaloneServer target) alone
// uses Hummingbird 2, swift-service-lifecycle, SwiftNIO, swift-log and swift-prometheus (README "Standalone server").
import PackageDescription

let essentials: [SwiftSetting] = [.define("FOUNDATION_ESSENTIALS")]

let package = Package(
    name: "prometheus-timestream-lambda",
    products: [
        .executable(name: "bootstrap", targets: ["bootstrap"]),
        .executable(name: "BenchPipeline", targets: ["BenchPipeline"]),
        // The Go connector's binary name: the same service behind an HTTP/1.1 server (local, container, sidecar).
        .executable(name: "timestream-prometheus-connector", targets: ["StandaloneMain"]),
    ],
    dependencies: [
        // Only the standalone server's targets use these; `bootstrap` links none of them. No default traits:
        // Hummingbird's swift-configuration support and full Foundation are not needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // System libraries (Debian: libcurl4-openssl-dev, libssl-dev; Amazon Linux 2023 ships the .so files).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Pins libm's hypot/hypotf to pre-2.35 symbol versions so `bootstrap` loads on glibc 2.34 (provided.al2023);
        // sets glibc malloc to reuse freed memory (GlibcCompat.h).
        .target(name: "GlibcCompat", linkerSettings: [.linkedLibrary("m")]),
        // pipe2 and posix_spawn's closefrom for credential_process (the standalone connector only).
        .target(name: "SpawnCompat"),

        // Pure JSON reading and base64 shared by AWS and LambdaRuntime (no Foundation: it is ~6 MB of bootstrap).
        .target(name: "TextCodecs", swiftSettings: essentials),
        .target(name: "CurlHTTP", dependencies: ["CCurl"], swiftSettings: essentials),
        .target(name: "RemoteStorage", swiftSettings: essentials),
        // Timestream's JSON: WriteRecords bodies (records, CommonAttributes, the body writer) and Query result pages.
        .target(name: "TimestreamCodec", dependencies: ["TextCodecs"], swiftSettings: essentials),
        // The pure translation core: series → WriteRecords bodies, matchers → SQL, Query rows → series. Values in,
        // values out: no I/O, no clock; only the codec modules.
        .target(
            name: "TimestreamTranslation", dependencies: ["RemoteStorage", "TimestreamCodec", "TextCodecs"],
            swiftSettings: essentials),
        .target(name: "AWS", dependencies: ["CCrypto", "CurlHTTP", "TextCodecs", "TimestreamCodec"], swiftSettings: essentials),
        .target(name: "LambdaRuntime", dependencies: ["CurlHTTP", "TextCodecs"], swiftSettings: essentials),
        // The AWS SDKs' default credential chain (environment, web identity, profile, container endpoint, IMDSv2)
        // with refresh ahead of expiry: for the standalone connector; never linked into bootstrap, whose role
        // credentials are its environment.
        .target(
            name: "CredentialChain", dependencies: ["AWS", "CurlHTTP", "TextCodecs", "SpawnCompat"], swiftSettings: essentials),
        .target(
            name: "Connector",
            dependencies: ["CurlHTTP", "RemoteStorage", "TimestreamCodec", "TimestreamTranslation", "AWS", "TextCodecs"],
            swiftSettings: essentials),
        // The Lambda front door: API Gateway events ⇄ the service, Lambda's 6 MB answer limit, per-invocation report.
        .target(name: "LambdaAdapter", dependencies: ["Connector", "AWS", "CurlHTTP", "LambdaRuntime"], swiftSettings: essentials),
        .executableTarget(
            name: "bootstrap",
            dependencies: ["LambdaAdapter", "Connector", "LambdaRuntime", "AWS", "CurlHTTP", "GlibcCompat"],
            swiftSettings: essentials
        ),

        // The standalone front door: flags, HTTP/1.1 (+TLS) server, admission limit, /metrics, graceful shutdown.
        .target(
            name: "StandaloneServer",
            dependencies: [
                "Connector", "AWS", "CurlHTTP", "CredentialChain", "TimestreamTranslation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(name: "StandaloneMain", dependencies: ["StandaloneServer", "GlibcCompat"]),

        // `scripts/bench` only: CPU per sample of each write stage on the real module APIs (never in bootstrap).
        .executableTarget(
            name: "BenchPipeline",
            dependencies: [
                "RemoteStorage", "TimestreamCodec", "TimestreamTranslation", "Connector", "AWS", "CurlHTTP",
                "LambdaRuntime", "GlibcCompat", "TextCodecs",
            ],
            swiftSettings: essentials),
        // Codec benchmark (scripts/bench-codec); release-built on demand, never linked into bootstrap.
        .executableTarget(name: "bench-codec", dependencies: ["RemoteStorage"], path: "Sources/BenchCodec", swiftSettings: essentials),

        // Test-only helpers (oracle processes, background servers); full Foundation allowed, never in bootstrap.
        .target(name: "TestSupport", dependencies: ["AWS", "CurlHTTP", "RemoteStorage", "TextCodecs", "TimestreamCodec"]),
        // TestSupportTests only: starts a child tree through TestSupport, then waits to be SIGKILLed.
        .executableTarget(name: "ChildTreeProbe", dependencies: ["TestSupport"]),

        .testTarget(name: "TextCodecsTests", dependencies: ["TextCodecs", "TestSupport"]),
        .testTarget(
            name: "CredentialChainTests",
            dependencies: ["CredentialChain", "AWS", "CurlHTTP", "Connector", "RemoteStorage", "TestSupport"]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport", "ChildTreeProbe"], exclude: ["Fixtures"]),
        .testTarget(name: "RemoteStorageTests", dependencies: ["RemoteStorage", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "CCurl", "CCrypto", "TestSupport"]),
        .testTarget(
            name: "AWSTests", dependencies: ["AWS", "TimestreamCodec", "CCrypto", "CurlHTTP", "TestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "CurlHTTP", "TestSupport"],
            resources: [.copy("Fixtures")]),
        // Runs the built `bootstrap` under the Runtime API stand-in against moto / the SQL stand-in.
        .testTarget(name: "EndToEndTests", dependencies: ["CurlHTTP", "RemoteStorage", "TestSupport"]),
        .testTarget(
            name: "TimestreamTranslationTests",
            dependencies: ["TimestreamTranslation", "TimestreamCodec", "RemoteStorage", "TextCodecs", "TestSupport"]),
        .testTarget(
            name: "StandaloneServerTests",
            dependencies: [
                "StandaloneServer", "Connector", "AWS", "TestSupport", .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ConnectorTests",
            dependencies: [
                "Connector", "LambdaAdapter", "TimestreamTranslation", "TimestreamCodec", "RemoteStorage", "AWS",
                "LambdaRuntime", "TextCodecs", "TestSupport",
            ]),
    ]
)
