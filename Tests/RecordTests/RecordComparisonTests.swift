import Foundation
import NotebookResults
import Record
import Testing

/// One change to a run and the single drift it must be reported as.
struct ChangeCase: Sendable, CustomTestStringConvertible {
    var name: String
    var change: @Sendable (inout FixtureRun) -> Void
    var block: Int?
    var line: Int
    var figure: String
    var item: String
    var expected: String
    var actual: String
    var testDescription: String { name }
}

@Suite("Comparing a run with its record")
struct RecordComparisonTests {
    @Test func identicalRunsPassInExactMode() {
        let outcome = Fixtures.compare(FixtureRun(), FixtureRun())
        #expect(outcome.passed)
        #expect(outcome.drifts.isEmpty)
        #expect(outcome.mode == .exact)
        #expect(outcome.comparedMetrics == 2)
        #expect(outcome.comparedOutputs == 6)
        #expect(outcome.firstDriftingBlock == nil)
    }

    @Test func aChangedMetricIsADriftNamingBlockFigureAndItem() throws {
        var changed = FixtureRun()
        changed.metrics[1].value = 170.5
        let outcome = Fixtures.compare(FixtureRun(), changed)
        #expect(!outcome.passed)
        #expect(outcome.mode == .exact)
        let drift = try #require(outcome.drifts.first)
        #expect(outcome.drifts.count == 1, "\(outcome.drifts)")
        #expect(drift.block == 1)
        #expect(drift.location == SourceLocation(file: Fixtures.notebookPath, line: 5, column: 1))
        #expect(drift.figure == "metrics")
        #expect(drift.item == "epoch 1 test loss")
        #expect(drift.expected == "170.25")
        #expect(drift.actual == "170.5")
        #expect(drift.description
            == "notebooks/demo.md:5:1: drift: block 1, metrics: epoch 1 test loss: expected 170.25, actual 170.5 (+0.147%)")
        #expect(outcome.firstDriftingBlock == 1)
    }

    static let changes: [ChangeCase] = [
        ChangeCase(name: "text", change: { $0.text = "seed 8" },
                   block: 1, line: 5, figure: "text", item: "text", expected: "seed 7", actual: "seed 8"),
        ChangeCase(name: "metric", change: { $0.metrics[0].value = 182.75 },
                   block: 1, line: 5, figure: "metrics", item: "epoch 1 train loss", expected: "182.5", actual: "182.75"),
        ChangeCase(name: "table cell", change: { $0.table.rows[1][2] = "159.90" },
                   block: 1, line: 5, figure: "\"Losses\"", item: "row 2 (2), test loss",
                   expected: "158.90", actual: "159.90"),
        ChangeCase(name: "line chart point", change: { $0.chart.series[1].points[1].y = 158.5 },
                   block: 1, line: 5, figure: "\"Loss per epoch\"", item: "series \"test\" at x = 2",
                   expected: "158.875", actual: "158.5"),
        ChangeCase(name: "scatter point", change: { $0.scatter.points[0].y = 0.25 },
                   block: 2, line: 14, figure: "\"Latent space\"", item: "class T-shirt/top, mean y",
                   expected: "0.375", actual: "0.4375"),
        ChangeCase(name: "image grid pixel", change: { $0.grid.images[3][0] += 0.75 },
                   block: 2, line: 14, figure: "\"Reconstructions\"", item: "maximum intensity",
                   expected: "0.875", actual: "1.203125"),
    ]

    @Test(arguments: changes)
    func aChangeIsReportedWhereItIs(_ change: ChangeCase) throws {
        var changed = FixtureRun()
        change.change(&changed)
        let outcome = Fixtures.compare(FixtureRun(), changed)
        #expect(outcome.mode == .exact)
        #expect(!outcome.passed)
        let drift = try #require(outcome.drifts.first { $0.item == change.item }, "\(outcome.drifts)")
        #expect(drift.block == change.block)
        #expect(drift.location.line == change.line)
        #expect(drift.figure == change.figure)
        #expect(drift.expected == change.expected)
        #expect(drift.actual == change.actual)
        #expect(drift.description.contains("block \(change.block!), \(change.figure): \(change.item): "
            + "expected \(change.expected), actual \(change.actual)"))
        // Nothing is reported for the blocks that did not change.
        #expect(outcome.drifts.allSatisfy { $0.block == change.block }, "\(outcome.drifts)")
    }
}

/// A configuration other than the recorded one, and how the outcome names it.
struct ConfigurationCase: Sendable, CustomTestStringConvertible {
    var name: String
    var change: @Sendable (inout RunManifest) -> Void
    var reason: String
    var testDescription: String { name }
}

@Suite("Tolerances on another configuration")
struct ToleranceTests {
    static let configurations: [ConfigurationCase] = [
        ConfigurationCase(name: "thread count", change: { $0.blasThreads = 4 }, reason: "BLAS threads 1 → 4"),
        ConfigurationCase(name: "CPU", change: { $0.cpuArchitecture = "aarch64" }, reason: "CPU x86_64 → aarch64"),
        ConfigurationCase(name: "BLAS kernel", change: { $0.blasCore = "Zen" }, reason: "BLAS kernel Haswell → Zen"),
        ConfigurationCase(name: "engine", change: { $0.engineVersion = "0.5.2" }, reason: "engine 0.5.1 → 0.5.2"),
        ConfigurationCase(name: "BLAS library", change: { $0.blasConfiguration = "OpenBLAS 0.3.27" },
                          reason: "BLAS OpenBLAS 0.3.26 → OpenBLAS 0.3.27"),
    ]

    /// Float noise such as another BLAS kernel makes: far inside the default tolerances.
    static func withNoise(_ run: FixtureRun) -> FixtureRun {
        var run = run
        run.metrics[1].value *= 1 + 1e-5
        run.table.rows[0][2] = "170.26"
        run.chart.series[1].points[1].y *= 1 + 1e-5
        run.grid.images = run.grid.images.map { $0.map { $0 + 1 / 256 } }
        run.scatter.points[0].x += 1e-5
        return run
    }

    static func on(_ configuration: ConfigurationCase, _ run: FixtureRun = FixtureRun()) -> FixtureRun {
        var run = run
        configuration.change(&run.manifest)
        return run
    }

    @Test(arguments: configurations)
    func noiseWithinTheTolerancePassesOnAnotherConfiguration(_ configuration: ConfigurationCase) {
        let outcome = Fixtures.compare(FixtureRun(), Self.on(configuration, Self.withNoise(FixtureRun())))
        #expect(outcome.mode == .tolerant(reason: configuration.reason))
        #expect(outcome.passed, "\(outcome.drifts)")
        #expect(outcome.comparedMetrics == 2)
    }

    @Test func theSameNoiseFailsInExactMode() {
        let outcome = Fixtures.compare(FixtureRun(), Self.withNoise(FixtureRun()))
        #expect(outcome.mode == .exact)
        let items = Set(outcome.drifts.map(\.item))
        for item in ["epoch 1 test loss", "row 1 (1), test loss", "series \"test\" at x = 2", "mean intensity",
                     "class T-shirt/top, mean x"] {
            #expect(items.contains(item), "\(item) in \(items)")
        }
    }

    @Test(arguments: configurations)
    func aChangeBeyondTheToleranceFailsOnAnotherConfiguration(_ configuration: ConfigurationCase) throws {
        var changed = Self.on(configuration)
        changed.metrics[1].value = 170.5  // 0.15 %, beyond 1e-3
        let outcome = Fixtures.compare(FixtureRun(), changed)
        #expect(outcome.mode == .tolerant(reason: configuration.reason))
        let drift = try #require(outcome.drifts.first)
        #expect(outcome.drifts.count == 1, "\(outcome.drifts)")
        #expect((drift.block, drift.figure, drift.item) == (1, "metrics", "epoch 1 test loss"))
        #expect(drift.deviation == "+0.147%, tolerance 0.001")
    }

    @Test func aBlockToleranceOfZeroIsStrictOnAnotherConfiguration() {
        let strict = Fixtures.plan(blockTolerance: CheckTolerance(relative: 0, pixel: 0))
        var noisy = FixtureRun()
        noisy.manifest.blasThreads = 2
        noisy.metrics[1].value *= 1 + 1e-9
        let outcome = Fixtures.compare(FixtureRun(), noisy, plan: strict)
        #expect(outcome.mode == .tolerant(reason: "BLAS threads 1 → 2"))
        #expect(outcome.drifts.map(\.item) == ["epoch 1 test loss"])
    }

    // MARK: Image grids

    static func shifted(by amount: Float, threads: Int) -> FixtureRun {
        var run = FixtureRun()
        run.grid.images = run.grid.images.map { $0.map { $0 + amount } }
        run.manifest.blasThreads = threads
        return run
    }

    @Test func pixelsWithinThePixelTolerancePass() {
        let outcome = Fixtures.compare(FixtureRun(), Self.shifted(by: 1 / 128, threads: 2))
        #expect(outcome.mode != .exact)
        #expect(outcome.passed, "\(outcome.drifts)")
    }

    @Test func pixelsBeyondThePixelToleranceFail() throws {
        let outcome = Fixtures.compare(FixtureRun(), Self.shifted(by: 1 / 16, threads: 2))
        #expect(outcome.mode != .exact)
        let drift = try #require(outcome.drifts.first { $0.item == "mean intensity" }, "\(outcome.drifts)")
        #expect(drift.block == 2)
        #expect(drift.figure == "\"Reconstructions\"")
        #expect(drift.deviation == "Δ +0.0625, pixel tolerance 0.02")
        #expect(outcome.drifts.contains { $0.item.hasPrefix("thumbnail of image") })
        #expect(!outcome.drifts.contains { $0.item == "intensity standard deviation" }, "a shift keeps the spread")
    }

    @Test func aLargerPixelToleranceAcceptsTheSameShift() {
        let loose = Fixtures.plan(blockTolerance: CheckTolerance(relative: 1e-3, pixel: 0.1))
        let outcome = Fixtures.compare(FixtureRun(), Self.shifted(by: 1 / 16, threads: 2), plan: loose)
        #expect(outcome.passed, "\(outcome.drifts)")
    }

    @Test func exactModeSeesPixelsThatMovedWithoutChangingTheStatistics() throws {
        // Two pixels of one 2×2 thumbnail block swapped: same statistics, same thumbnail, other pixels.
        var swapped = FixtureRun()
        swapped.grid.images[0].swapAt(0, 1)
        let exact = Fixtures.compare(FixtureRun(), swapped)
        let drift = try #require(exact.drifts.first)
        #expect(exact.drifts.count == 1, "\(exact.drifts)")
        #expect((drift.block, drift.figure, drift.item) == (2, "\"Reconstructions\"", "pixels (exact hash)"))

        swapped.manifest.blasThreads = 2
        #expect(Fixtures.compare(FixtureRun(), swapped).passed)
    }
}

@Suite("Blocks and manifest")
struct StructureDriftTests {
    @Test(arguments: [(false, true, "3", "4"), (true, false, "4", "3")])
    func aChangedBlockCountIsADrift(expectedExtra: Bool, actualExtra: Bool, expected: String, actual: String) throws {
        var was = FixtureRun(), now = FixtureRun()
        was.extraBlock = expectedExtra
        now.extraBlock = actualExtra
        let outcome = Fixtures.compare(was, now)
        let drift = try #require(outcome.drifts.first)
        #expect(outcome.drifts.count == 1, "\(outcome.drifts)")
        #expect(drift.block == nil)
        #expect(drift.location == SourceLocation(file: Fixtures.notebookPath, line: 1, column: 1))
        #expect((drift.figure, drift.item, drift.expected, drift.actual) == ("notebook", "runnable blocks", expected, actual))
    }

    static let manifestChanges: [ChangeCase] = [
        ChangeCase(name: "seed", change: { $0.manifest.seed = 8 },
                   block: nil, line: 1, figure: "manifest", item: "seed", expected: "7", actual: "8"),
        ChangeCase(name: "parameter value", change: { $0.manifest.parameters[0].value = "3" },
                   block: nil, line: 1, figure: "manifest", item: "parameter epochs", expected: "2", actual: "3"),
        ChangeCase(name: "parameter added", change: { $0.manifest.parameters.append(NamedValue(name: "lr", value: "1e-3")) },
                   block: nil, line: 1, figure: "manifest", item: "parameter lr", expected: "(not declared)", actual: "1e-3"),
        ChangeCase(name: "dataset checksum", change: { $0.manifest.datasetChecksums["t10k-images-idx3-ubyte.gz"] = "0badf00d" },
                   block: nil, line: 1, figure: "manifest", item: "dataset file t10k-images-idx3-ubyte.gz SHA-256",
                   expected: "bef4ecab", actual: "0badf00d"),
        ChangeCase(name: "dataset not read", change: { $0.manifest.datasetChecksums["train-images-idx3-ubyte.gz"] = nil },
                   block: nil, line: 1, figure: "manifest", item: "dataset file train-images-idx3-ubyte.gz SHA-256",
                   expected: "3aede38d", actual: "(not read)"),
        ChangeCase(name: "checkpoint loaded", change: { $0.manifest.inputChecksums["start.ckpt"] = "5f0c2a9e" },
                   block: nil, line: 1, figure: "manifest", item: "loaded file start.ckpt SHA-256",
                   expected: "(not read)", actual: "5f0c2a9e"),
    ]

    @Test(arguments: manifestChanges)
    func manifestDrift(_ change: ChangeCase) throws {
        var changed = FixtureRun()
        change.change(&changed)
        let outcome = Fixtures.compare(FixtureRun(), changed)
        #expect(outcome.mode == .exact, "seed, parameters and inputs are not the configuration")
        let drift = try #require(outcome.drifts.first)
        #expect(outcome.drifts.count == 1, "\(outcome.drifts)")
        #expect(drift.block == nil)
        #expect(drift.location == SourceLocation(file: Fixtures.notebookPath, line: 1, column: 1))
        #expect((drift.figure, drift.item, drift.expected, drift.actual)
            == (change.figure, change.item, change.expected, change.actual))
        #expect(drift.description == "notebooks/demo.md:1:1: drift: manifest: \(change.item): "
            + "expected \(change.expected), actual \(change.actual)")
    }

    @Test func theCommandAndTimingAreNotCompared() {
        var other = FixtureRun()
        other.manifest.command = "notebook run notebooks/demo.md -q"
        other.manifest.seconds = 99
        other.manifest.finishedAt = "2030-01-01T00:00:00Z"
        #expect(Fixtures.compare(FixtureRun(), other).passed)
        #expect(other.record == FixtureRun().record)
    }
}
