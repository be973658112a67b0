import Foundation
import NotebookResults
import Record
import Testing

/// Bar charts in the record: labels and values kept unrounded, compared by label with the
/// record's tolerance, like a line chart's points.
@Suite("Bar charts in the record")
struct BarChartRecordTests {
    static func run(_ change: (inout BarChartOutput) -> Void = { _ in }, threads: Int = 1) -> FixtureRun {
        var run = FixtureRun()
        var bars = FixtureRun.klBars
        change(&bars)
        run.bars = bars
        run.manifest.blasThreads = threads
        return run
    }

    static let recorded = run()

    @Test func theRecordKeepsEveryFiniteBarAndTheThreshold() throws {
        let output = try #require(Self.recorded.record.blocks[1].outputs.last)
        #expect(output.kind == .barChart)
        #expect(output.title == "KL per latent dimension")
        #expect(output.bars == [
            RecordedBar(label: "z4", value: 2.75, highlighted: true), RecordedBar(label: "z1", value: 0.625, highlighted: true),
            RecordedBar(label: "z0", value: 0.0015, highlighted: false), RecordedBar(label: "z2", value: 0.00125, highlighted: false),
            RecordedBar(label: "z3", value: 0.001, highlighted: false),
        ])
        #expect(output.threshold == RecordedThreshold(label: "active: KL > 0.01", value: 0.01))
    }

    @Test func aRecordWithABarChartIsWrittenAndReadBack() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("demo.record.json").path
        try RecordFile.write(Self.recorded.record, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"kind\" : \"bar-chart\""))
        #expect(text.contains("\"label\" : \"z4\""))
        var read = try RecordFile.read(path, notebook: Fixtures.notebookPath)
        read.checksum = ""
        #expect(read == Self.recorded.record)
    }

    @Test func recordsWithoutBarChartsAreWrittenAsBefore() throws {
        let data = try RecordFile.encode(FixtureRun().record)
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\"bars\"") && !text.contains("\"threshold\"") && !text.contains("bar-chart"))
    }

    @Test func identicalBarChartsPass() {
        let outcome = Fixtures.compare(Self.recorded, Self.run())
        #expect(outcome.passed, "\(outcome.drifts)")
        #expect(outcome.comparedOutputs == 7)
    }

    @Test func aChangedValueIsADriftInExactMode() throws {
        let outcome = Fixtures.compare(Self.recorded, Self.run { $0.bars[1].value = 0.6251 })
        #expect(outcome.mode == .exact)
        let drift = try #require(outcome.drifts.first)
        #expect(outcome.drifts.count == 1, "\(outcome.drifts)")
        #expect((drift.block, drift.figure, drift.item) == (2, "\"KL per latent dimension\"", "bar \"z1\""))
        #expect((drift.expected, drift.actual) == ("0.625", "0.6251"))
        #expect(drift.outputIndex == 2)
        #expect(drift.description.hasPrefix(
            "notebooks/demo.md:14:1: drift: block 2, \"KL per latent dimension\": bar \"z1\": expected 0.625, actual 0.6251"))
    }

    @Test func noiseWithinTheToleranceIsNoDriftOnAnotherConfiguration() {
        let noisy = Self.run({ chart in
            for index in chart.bars.indices { chart.bars[index].value *= 1 + 1e-5 }
            chart.threshold?.value *= 1 + 1e-6
        }, threads: 4)
        let outcome = Fixtures.compare(Self.recorded, noisy)
        #expect(outcome.mode == .tolerant(reason: "BLAS threads 1 → 4"))
        #expect(outcome.passed, "\(outcome.drifts)")
        // The same noise on the recorded configuration is a drift for every bar.
        var exact = noisy
        exact.manifest.blasThreads = 1
        let items = Fixtures.compare(Self.recorded, exact).drifts.map(\.item)
        #expect(items == ["bar \"z4\"", "bar \"z1\"", "bar \"z0\"", "bar \"z2\"", "bar \"z3\"", "threshold"])
    }

    @Test func aChangeBeyondTheToleranceIsADriftOnAnotherConfiguration() throws {
        let outcome = Fixtures.compare(Self.recorded, Self.run({ $0.bars[0].value = 2.8 }, threads: 4))
        #expect(outcome.mode == .tolerant(reason: "BLAS threads 1 → 4"))
        let drift = try #require(outcome.drifts.first)
        #expect(outcome.drifts.count == 1, "\(outcome.drifts)")
        #expect((drift.item, drift.expected, drift.actual) == ("bar \"z4\"", "2.75", "2.8"))
        #expect(drift.deviation == "+1.82%, tolerance 0.001")
    }

    @Test func barsThatSwapPlacesWithinTheToleranceAreMatchedByLabel() throws {
        // z0 and z2 differ by noise; another configuration sorts them the other way round.
        let swapped = { (chart: inout BarChartOutput) in
            chart.bars.swapAt(2, 3)
            chart.bars[2].value = 0.0015 + 1e-7
        }
        let tolerant = Fixtures.compare(Self.recorded, Self.run(swapped, threads: 2))
        #expect(tolerant.passed, "\(tolerant.drifts)")
        // On the recorded configuration the order itself is compared.
        let exact = Fixtures.compare(Self.recorded, Self.run(swapped))
        let drift = try #require(exact.drifts.first)
        #expect((drift.item, drift.expected, drift.actual) == ("bar order from bar 3", "z0", "z2"))
        #expect(exact.drifts.map(\.item).contains("bar \"z2\""))
    }

    @Test func anotherSetOfBarsIsOneDriftNamingTheLabels() throws {
        let outcome = Fixtures.compare(Self.recorded, Self.run({ $0.bars[4].value = 0.0009; $0.bars[5].label = "z6" }, threads: 2))
        let drift = try #require(outcome.drifts.first)
        #expect(outcome.drifts.count == 1, "\(outcome.drifts)")
        #expect((drift.item, drift.expected, drift.actual) == ("bars", "5 bars, with z3", "6 bars, with z5, z6"))
    }

    @Test func aBarThatStopsBeingHighlightedIsADrift() throws {
        let outcome = Fixtures.compare(Self.recorded, Self.run({ $0.bars[1].highlighted = false }, threads: 2))
        let drift = try #require(outcome.drifts.first)
        #expect(outcome.drifts.count == 1, "\(outcome.drifts)")
        #expect((drift.item, drift.expected, drift.actual) == ("bar \"z1\" highlighted", "yes", "no"))
    }

    @Test func theThresholdIsCompared() throws {
        let moved = Fixtures.compare(Self.recorded, Self.run({ $0.threshold?.value = 0.02 }, threads: 2))
        #expect(moved.drifts.map(\.item) == ["threshold"])
        #expect(moved.drifts.first?.expected == "0.01" && moved.drifts.first?.actual == "0.02")

        let renamed = Fixtures.compare(Self.recorded, Self.run { $0.threshold?.label = "active: KL > 0.1" })
        #expect(renamed.drifts.map(\.item) == ["threshold label"])

        let removed = try #require(Fixtures.compare(Self.recorded, Self.run { $0.threshold = nil }).drifts.first)
        #expect((removed.item, removed.expected, removed.actual) == ("threshold", "active: KL > 0.01 at 0.01", "(none)"))
    }

    @Test func aBarChartInPlaceOfAnotherOutputIsAKindDrift() throws {
        var other = Self.recorded
        other.bars = nil
        let outcome = Fixtures.compare(Self.recorded, other)
        #expect(outcome.drifts.map(\.item) == ["number of outputs"])
    }
}
