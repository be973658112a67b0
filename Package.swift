// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Compiler settings for the engine's vector loops.
///
/// `SIMD8<Float>` on the x86-64 baseline is two SSE halves with many lane-by-lane
/// fallbacks; with AVX2 it is one register. When the building machine has AVX2 and FMA
/// (every x86-64 server since 2013), the engine is compiled for that level, which halves
/// the time outside sgemm (measured with vae-bench). Swift never fuses a multiply and an
/// add on its own, so results are the same bits either way. `NOTEBOOK_PORTABLE=1`
/// builds for the baseline, for a binary meant to run on other machines.
let engineSettings: [SwiftSetting] = {
    let environment = ProcessInfo.processInfo.environment
    guard environment["NOTEBOOK_PORTABLE"] != "1",
          let cpuInfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flagsLine = cpuInfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return [] }
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    guard ["avx", "avx2", "fma", "f16c", "bmi2", "movbe"].allSatisfy(flags.contains) else { return [] }
    return [.unsafeFlags(["-target-cpu", "haswell"])]
}()

let package = Package(
    name: "notebook",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "notebook", targets: ["NotebookCLI"]),
        .executable(name: "vae-bench", targets: ["VAEBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The preview's HTTP server: the lightest maintained one on this machine's list
        // (a clean build of it takes 13 s in debug, 24 s in release on 2 cores).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        // HMAC-SHA-256 that authenticates cache entries (the Crypto module only).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // YAML for notebooks' front matter, with the line and column of every node for errors.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries: a module map and a one-line shim each.
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Header only: vector square root as one instruction (see shim.h).
        .systemLibrary(name: "CVectorIntrinsics"),
        .systemLibrary(name: "CRenameExchange"),

        // Pure Swift, no dependencies: SHA-256 for dataset, checkpoint and record checksums.
        .target(name: "Checksums"),
        // strerror's words for a failed file operation, shared from the engine up.
        .target(name: "SystemErrors"),
        .target(name: "VAEEngine", dependencies: ["CBLAS", "CZlib", "CVectorIntrinsics", "Checksums", "SystemErrors"],
                swiftSettings: engineSettings),
        // The values every stage after Markdown hands on: document structure, outputs, manifest.
        .target(name: "NotebookResults", dependencies: ["SystemErrors"]),
        .target(name: "Publishing", dependencies: ["CRenameExchange"]),
        // TeX maths to MathML, for prose and for titles; no dependencies.
        .target(name: "TeXMathML"),
        // Markdown (the only importer of CCmark), Language and Execution.
        .target(name: "Notebook", dependencies: ["VAEEngine", "CCmark", "NotebookResults", "TeXMathML", "Publishing", "SystemErrors",
                                                "Checksums",
                                                .product(name: "Yams", package: "Yams"),
                                                .product(name: "Crypto", package: "swift-crypto")]),
        // Records for `check`: made from results alone, compared with tolerances.
        .target(name: "Record", dependencies: ["NotebookResults", "Checksums"]),
        // Pages and figures from results; never the engine, cmark or BLAS.
        .target(name: "Site", dependencies: ["NotebookResults", "Record", "TeXMathML", "CZlib", "Publishing", "SystemErrors"]),
        // What the commands do, as a library, so tests call it in process.
        .target(
            name: "NotebookCommands",
            dependencies: [
                "Notebook", "NotebookResults", "Record", "Site", "Publishing", "SystemErrors",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
        .executableTarget(name: "NotebookCLI", dependencies: ["NotebookCommands"]),
        .executableTarget(name: "VAEBench", dependencies: ["VAEEngine"]),
        // libFuzzer on the front end (Markdown → checked program), with -D FUZZING and
        // -sanitize=fuzzer from scripts/fuzz; otherwise a program that says how to fuzz.
        .executableTarget(name: "NotebookFuzz", dependencies: ["Notebook", "NotebookResults"]),

        .target(name: "TestSupport", dependencies: ["VAEEngine", "Notebook", "CZlib"], path: "Tests/TestSupport"),
        .testTarget(name: "VAEEngineTests", dependencies: ["VAEEngine", "Checksums", "TestSupport", "CZlib"]),
        // Whole-text snapshots (pages, figures, --help), re-recorded with RECORD_SNAPSHOTS=1.
        .target(name: "TextSnapshots", path: "Tests/TextSnapshots"),
        // A seeded generator for tests that feed garbled input to a parser.
        .target(name: "GeneratedInput", path: "Tests/GeneratedInput"),
        // Headless Chromium with a probe script, for tests of what a reader sees.
        .target(name: "HeadlessBrowser", path: "Tests/HeadlessBrowser"),
        .testTarget(name: "TeXMathMLTests", dependencies: ["TeXMathML", "GeneratedInput"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "NotebookResults", "VAEEngine", "Checksums", "TeXMathML",
                                                         "Record", "TestSupport", "GeneratedInput",
                                                         "TextSnapshots", .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["Snapshots"]),
        // Records from fixture results: nothing is trained.
        .testTarget(name: "RecordTests", dependencies: ["Record", "NotebookResults", "Checksums"]),
        // Pages from results alone: no engine, cmark or BLAS in this test target's graph.
        // Snapshots are read through #filePath (and rewritten on request), not bundled.
        .testTarget(name: "SiteTests", dependencies: ["Site", "NotebookResults", "Record", "CZlib", "TextSnapshots", "Publishing",
                                                     "HeadlessBrowser"],
                    exclude: ["Snapshots", "Fixtures"]),
        .testTarget(name: "NotebookCommandsTests", dependencies: ["NotebookCommands", "Record", "TestSupport", "TextSnapshots",
                                                                 .product(name: "ArgumentParser", package: "swift-argument-parser")],
                    exclude: ["Snapshots"]),
        .testTarget(name: "EndToEndTests", dependencies: ["NotebookCLI", "TestSupport", "VAEEngine", "Checksums",
                                                           "HeadlessBrowser"]),
        .testTarget(name: "PublishingTests", dependencies: ["Publishing"]),
    ]
)
