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
    ],
    targets: [
        // System libraries: a module map and a one-line shim each.
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Header only: vector square root as one instruction (see shim.h).
        .systemLibrary(name: "CVectorIntrinsics"),

        .target(name: "VAEEngine", dependencies: ["CBLAS", "CZlib", "CVectorIntrinsics"],
                swiftSettings: engineSettings),
        .target(name: "Notebook", dependencies: ["VAEEngine", "CCmark"]),
        .target(name: "Site", dependencies: ["Notebook", "CZlib"]),
        .executableTarget(
            name: "NotebookCLI",
            dependencies: [
                "Notebook", "Site",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "VAEBench", dependencies: ["VAEEngine"]),

        .target(name: "TestSupport", dependencies: ["VAEEngine", "Notebook"], path: "Tests/TestSupport"),
        .testTarget(name: "VAEEngineTests", dependencies: ["VAEEngine", "TestSupport"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "TestSupport"]),
        // Snapshots are read through #filePath (and rewritten on request), not bundled.
        .testTarget(name: "SiteTests", dependencies: ["Site", "Notebook", "TestSupport"], exclude: ["Snapshots"]),
        .testTarget(name: "EndToEndTests", dependencies: ["NotebookCLI", "TestSupport", "VAEEngine"]),
    ]
)
