// swift-tools-version:6.0
// Prometheus remote storage on Amazon Timestream for LiveAnalytics, as an AWS Lambda custom runtime.
// Modules follow the data path: CurlHTTP → LambdaRuntime (events in/out) → Connector (the service) →
// RemoteStorage (snappy + protobuf) → TimestreamTranslation (pure) → TimestreamCodec → AWS (SigV4 + Timestream)
// → CurlHTTP. No Swift package dependencies:
// only the toolchain and the system's libcurl / libcrypto / zlib.
import PackageDescription

let essentials: [SwiftSetting] = [.define("FOUNDATION_ESSENTIALS")]

let package = Package(
    name: "prometheus-timestream-lambda",
    products: [
        .executable(name: "bootstrap", targets: ["bootstrap"]),
        .executable(name: "BenchPipeline", targets: ["BenchPipeline"]),
    ],
    targets: [
        // System libraries (Debian: libcurl4-openssl-dev, libssl-dev; Amazon Linux 2023 ships the .so files).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Pins libm's hypot/hypotf to pre-2.35 symbol versions so `bootstrap` loads on glibc 2.34 (provided.al2023);
        // sets glibc malloc to reuse freed memory (GlibcCompat.h).
        .target(name: "GlibcCompat", linkerSettings: [.linkedLibrary("m")]),

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
        .target(
            name: "Connector",
            dependencies: ["CurlHTTP", "RemoteStorage", "TimestreamCodec", "TimestreamTranslation", "AWS", "TextCodecs"],
            swiftSettings: essentials),
        // The Lambda front door: API Gateway events ⇄ the service, Lambda's 6 MB answer limit, per-invocation report.
        .target(name: "LambdaAdapter", dependencies: ["Connector", "AWS", "LambdaRuntime"], swiftSettings: essentials),
        .executableTarget(
            name: "bootstrap",
            dependencies: ["LambdaAdapter", "Connector", "LambdaRuntime", "AWS", "CurlHTTP", "GlibcCompat"],
            swiftSettings: essentials
        ),

        // `scripts/bench` only: CPU per sample of each write stage on the real module APIs (never in bootstrap).
        .executableTarget(
            name: "BenchPipeline",
            dependencies: [
                "RemoteStorage", "TimestreamCodec", "TimestreamTranslation", "Connector", "AWS", "CurlHTTP",
                "LambdaRuntime", "GlibcCompat",
            ],
            swiftSettings: essentials),
        // Codec benchmark (scripts/bench-codec); release-built on demand, never linked into bootstrap.
        .executableTarget(name: "bench-codec", dependencies: ["RemoteStorage"], path: "Sources/BenchCodec", swiftSettings: essentials),

        // Test-only helpers (oracle processes, background servers); full Foundation allowed, never in bootstrap.
        .target(name: "TestSupport", dependencies: ["AWS", "CurlHTTP", "TextCodecs", "TimestreamCodec"]),

        .testTarget(name: "TextCodecsTests", dependencies: ["TextCodecs"]),
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
            name: "ConnectorTests",
            dependencies: [
                "Connector", "LambdaAdapter", "TimestreamTranslation", "TimestreamCodec", "RemoteStorage", "AWS",
                "LambdaRuntime", "TextCodecs", "TestSupport",
            ]),
    ]
)
