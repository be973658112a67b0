import Foundation
import NotebookResults
import Record

/// A small run made in code, nothing trained: three runnable blocks with metrics, a table,
/// a line chart, an image grid, a scatter and text. Tests change one part of a copy.
struct FixtureRun {
    var text = "seed 7"
    var metrics: [Metric] = [Metric(name: "epoch 1 train loss", value: 182.5),
                             Metric(name: "epoch 1 test loss", value: 170.25)]
    var table = TableOutput(title: "Losses", columns: ["epoch", "train loss", "test loss"],
                            rows: [["1", "182.50", "170.25"], ["2", "160.10", "158.90"]])
    var chart = LineChartOutput(
        title: "Loss per epoch", xLabel: "epoch", yLabel: "loss (nats)",
        series: [.init(name: "train", points: [.init(x: 1, y: 182.5), .init(x: 2, y: 160.125)]),
                 .init(name: "test", points: [.init(x: 1, y: 170.25), .init(x: 2, y: 158.875)])])
    /// Two rows of two 14×14 images; every intensity a multiple of 1/64, so sums are exact.
    var grid = ImageGridOutput(
        title: "Reconstructions", caption: "Originals above their reconstructions.",
        rows: 2, columns: 2, imageWidth: 14, imageHeight: 14,
        images: (0..<4).map { image in (0..<196).map { Float(($0 + 7 * image) % 49) / 64 + 0.125 } },
        rowLabels: ["original", "reconstruction"])
    var scatter = ScatterOutput(
        title: "Latent space", caption: "Test images by class.", xLabel: "z₁", yLabel: "z₂",
        points: (0..<12).map { .init(x: Double($0 % 4) - 1.5, y: Double($0 / 4) * 0.5, label: $0 % 3) },
        classNames: ["T-shirt/top", "Trouser", "Pullover"])
    var manifest = RunManifest(
        seed: 7,
        parameters: [NamedValue(name: "epochs", value: "2"), NamedValue(name: "data", value: "fashion-mnist")],
        engineVersion: "0.5.1", blasConfiguration: "OpenBLAS 0.3.26", blasCore: "Haswell", blasThreads: 1,
        cpuArchitecture: "x86_64",
        datasetChecksums: ["t10k-images-idx3-ubyte.gz": "bef4ecab", "train-images-idx3-ubyte.gz": "3aede38d"],
        command: "notebook run notebooks/demo.md", seconds: 1.5, finishedAt: "2025-01-02T03:04:05Z")
    /// A fourth runnable block that only prints text.
    var extraBlock = false
    /// KL per latent dimension, sorted, as a third output of block 2 when set.
    var bars: BarChartOutput?

    /// Six latent dimensions, two of them active, with one NaN that is not drawn or recorded.
    static let klBars = BarChartOutput(
        title: "KL per latent dimension", caption: "Sorted.", xLabel: "latent dimension", yLabel: "KL (nats)",
        bars: [.init(label: "z4", value: 2.75, highlighted: true), .init(label: "z1", value: 0.625, highlighted: true),
               .init(label: "z0", value: 0.0015), .init(label: "z2", value: 0.00125), .init(label: "z5", value: .nan),
               .init(label: "z3", value: 0.001)],
        threshold: .init(value: 0.01, label: "active: KL > 0.01"))

    var result: RunResult {
        var results = [
            BlockResult(blockIndex: 0, outputs: [.text(text), .table(table), .lineChart(chart)],
                        metrics: metrics, seconds: 0.5),
            BlockResult(blockIndex: 2, outputs: [.imageGrid(grid), .scatter(scatter)] + (bars.map { [.barChart($0)] } ?? []),
                        seconds: 0.25),
            BlockResult(blockIndex: 3, outputs: [.text("saved weights to demo.ckpt")], seconds: 0.01),
        ]
        if extraBlock { results.append(BlockResult(blockIndex: 4, outputs: [.text("done")], seconds: 0)) }
        return RunResult(document: Fixtures.document, results: results, manifest: manifest)
    }

    var record: NotebookRecord { NotebookRecord(result, plan: Fixtures.plan) }
}

enum Fixtures {
    static let notebookPath = "notebooks/demo.md"

    static let document = Document(path: notebookPath, title: "Demo", segments: [.html("<h1>Demo</h1>")])

    /// Where the runnable blocks are, with the default tolerances.
    static let plan = plan(blockTolerance: .default)

    static func plan(blockTolerance: CheckTolerance) -> CheckPlan {
        CheckPlan(notebookPath: notebookPath, blocks: [5, 14, 19].map {
            .init(location: SourceLocation(file: notebookPath, line: $0, column: 1), tolerance: blockTolerance)
        })
    }

    static func compare(_ expected: FixtureRun, _ actual: FixtureRun, plan: CheckPlan = plan) -> CheckOutcome {
        RecordComparison.compare(expected: expected.record, actual: actual.record, plan: plan)
    }

    /// A fresh empty folder under the temporary directory; remove it when done.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("RecordTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The repository's committed records, found from this file's path.
    static func committedRecord(_ name: String) -> String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // RecordTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // the package
            .appendingPathComponent("notebooks/checks/\(name).record.json").path
    }
}
