// swift-tools-version:6.0
import PackageDescription

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

        .target(name: "VAEEngine", dependencies: ["CBLAS", "CZlib"]),
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
        .testTarget(name: "SiteTests", dependencies: ["Site", "Notebook", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["NotebookCLI", "TestSupport"]),
    ]
)
