import Foundation
import NotebookResults
import Record
import Site
import Testing

@Suite struct BarChartFigureTests {
    /// The `<rect …>…</rect>` bars of `html`, in order.
    static func bars(_ html: String) throws -> [String] {
        let start = try #require(html.range(of: "<g class=\"bars\">"))
        let end = try #require(html.range(of: "</g>", range: start.upperBound..<html.endIndex))
        return String(html[start.upperBound..<end.lowerBound]).components(separatedBy: "<rect ").dropFirst().map { $0 }
    }

    /// The label texts under the axis with their x, in order.
    static func barLabels(_ html: String) throws -> [(x: Double, text: String)] {
        let start = try #require(html.range(of: "<g class=\"bar-labels\">"))
        let end = try #require(html.range(of: "</g>", range: start.upperBound..<html.endIndex))
        return String(html[start.upperBound..<end.lowerBound]).components(separatedBy: "<text x=\"").dropFirst().map { entry in
            (Double(entry.prefix { $0 != "\"" }) ?? .nan,
             entry.components(separatedBy: ">").dropFirst().first?.components(separatedBy: "<").first ?? "")
        }
    }

    @Test func everyFiniteBarIsDrawnInOrderWithItsTooltip() throws {
        let html = renderBarChartFigure(MultiModelFixtures.smallBarChart)
        let bars = try Self.bars(html)
        #expect(bars.count == 4, "the NaN bar is left out")
        #expect(bars.map { $0.components(separatedBy: "<title>").last?.components(separatedBy: "</title>").first }
            == ["z1: 2.500", "z&lt;2&gt;: 1.250", "z4: 0.1250", "z5: 0.000"])
        #expect(!html.contains("z3"))
        #expect(!html.contains("<2>"), "labels and titles are escaped")
        #expect(html.contains(">z&lt;2&gt;</text>"))
        #expect(html.contains("<title>KL &lt;per&gt; unit</title>"))
    }

    @Test func highlightedBarsTakeTheFirstSeriesColourAndTheOthersGrey() throws {
        let bars = try Self.bars(renderBarChartFigure(MultiModelFixtures.smallBarChart))
        #expect(bars.map { $0.contains("fill=\"\(chartSeriesColors[0])\"") } == [true, true, false, false])
        #expect(bars[2].contains("fill=\"#c7c7c7\""))
    }

    @Test func barsStandOnZeroAndTheTallestFitsUnderTheTopTick() throws {
        let html = renderBarChartFigure(MultiModelFixtures.smallBarChart)
        let bars = try Self.bars(html)
        func number(_ attribute: String, _ element: String) -> Double? {
            element.components(separatedBy: "\(attribute)=\"").dropFirst().first.flatMap { Double($0.prefix { $0 != "\"" }) }
        }
        let bottoms = bars.compactMap { bar in number("y", bar).flatMap { y in number("height", bar).map { y + $0 } } }
        #expect(bottoms.count == 4 && Set(bottoms).count == 1, "all bars end on one baseline: \(bottoms)")
        #expect(number("height", bars[3]) == 0)
        // The y ticks start at 0 and reach beyond the largest value (2.5).
        #expect(html.contains(">0</text>") && html.contains(">3</text>"))
        #expect(!html.contains(">-"))
    }

    @Test func theThresholdIsADashedLineWithItsLabelAndTooltip() throws {
        let html = renderBarChartFigure(MultiModelFixtures.smallBarChart)
        let start = try #require(html.range(of: "<g class=\"threshold\">"))
        let threshold = String(html[start.upperBound...]).components(separatedBy: "</g>")[0]
        #expect(threshold.contains("stroke-dasharray=\"6 4\""))
        #expect(threshold.contains("<title>active &amp; above: 0.5000</title>"))
        #expect(threshold.contains(">active &amp; above</text>"))
        // The bars are sorted from largest down, so the label goes to the right.
        #expect(threshold.contains("text-anchor=\"end\""))

        var none = MultiModelFixtures.smallBarChart
        none.threshold = nil
        #expect(!renderBarChartFigure(none).contains("class=\"threshold\""))
        none.threshold = .init(value: .infinity, label: "never")
        #expect(!renderBarChartFigure(none).contains("never"))
    }

    @Test func theThresholdLabelMovesLeftWhenTheRightIsTaken() throws {
        let ascending = BarChartOutput(title: "Ascending", xLabel: "", yLabel: "",
                                       bars: (0..<10).map { .init(label: "d\($0)", value: Double($0)) },
                                       threshold: .init(value: 4.5, label: "half"))
        let html = renderBarChartFigure(ascending)
        let start = try #require(html.range(of: "<g class=\"threshold\">"))
        #expect(String(html[start.upperBound...]).components(separatedBy: "</g>")[0].contains("text-anchor=\"start\""))
    }

    @Test func sixtyFourLabelsAreThinnedSoNoneOverlap() throws {
        let html = renderBarChartFigure(MultiModelFixtures.klPerDimension)
        #expect(try Self.bars(html).count == 64)
        let labels = try Self.barLabels(html)
        #expect(labels.count < 64 && labels.count >= 16, "\(labels.count) labels")
        #expect(labels.first?.text == "z17")
        for (a, b) in zip(labels, labels.dropFirst()) {
            let room = (Double(a.text.count) + Double(b.text.count)) / 2 * 7
            #expect(b.x - a.x > room, "\(a.text) at \(a.x) and \(b.text) at \(b.x) overlap")
        }
        #expect(labels.allSatisfy { $0.x <= 760 })
        // Nine highlighted bars, and the threshold drawn.
        #expect(try Self.bars(html).filter { $0.contains(chartSeriesColors[0]) }.count == 9)
        #expect(html.contains("<g class=\"threshold\">"))
        #expect(html.contains("aria-label=\"Bar chart: KL per latent dimension. 64 bars, 9 highlighted."))
    }

    @Test func fewBarsAllKeepTheirLabels() throws {
        let labels = try Self.barLabels(renderBarChartFigure(MultiModelFixtures.smallBarChart))
        #expect(labels.map(\.text) == ["z1", "z&lt;2&gt;", "z4", "z5"])
    }

    @Test func aChartWithoutFiniteBarsSaysNoData() {
        let chart = BarChartOutput(title: "", xLabel: "", yLabel: "", bars: [.init(label: "z0", value: .nan)],
                                   threshold: .init(value: 0.01, label: "active"))
        let html = renderBarChartFigure(chart)
        #expect(html.contains(">no data</text>"))
        #expect(!html.contains("<rect"))
        #expect(!html.contains("class=\"threshold\""))
        #expect(html.contains(">0</text>") && html.contains(">1</text>"))
    }

    @Test func negativeValuesHangBelowZero() throws {
        let chart = BarChartOutput(title: "", xLabel: "", yLabel: "",
                                   bars: [.init(label: "up", value: 2), .init(label: "down", value: -1)])
        let html = renderBarChartFigure(chart)
        #expect(html.contains(">-1</text>") || html.contains(">-1.5</text>"))
        #expect(try Self.bars(html).count == 2)
    }

    @Test func textAndAxesFollowTheTheme() {
        let html = renderBarChartFigure(MultiModelFixtures.klPerDimension)
        #expect(html.contains("fill=\"currentColor\""))
        #expect(html.contains("<g class=\"axes\" stroke=\"currentColor\">"))
        #expect(!html.contains("#000") && !html.contains("black"))
        #expect(html.contains("<figcaption>Sorted; 9 of 64 units active (KL &gt; 0.01 nats).</figcaption>"))
    }

    @Test func blockOutputsDispatchToTheBarChart() {
        #expect(renderBlockOutput(.barChart(MultiModelFixtures.smallBarChart))
            == renderBarChartFigure(MultiModelFixtures.smallBarChart))
    }

    @Test func aCheckReportDrawsTheRecordedAndTheFreshBarChart() throws {
        let document = Document(path: "notebooks/kl.md", title: "KL", segments: [])
        let manifest = RunManifest(seed: 1, parameters: [], engineVersion: "1", blasConfiguration: "b", blasCore: "c",
                                   blasThreads: 1, cpuArchitecture: "x86_64", datasetChecksums: [:],
                                   command: "notebook run notebooks/kl.md", seconds: 1, finishedAt: "")
        let plan = CheckPlan(notebookPath: document.path,
                             blocks: [.init(location: SourceLocation(file: document.path, line: 3, column: 1), tolerance: .default)])
        func run(_ chart: BarChartOutput) -> RunResult {
            RunResult(document: document, results: [BlockResult(blockIndex: 0, outputs: [.barChart(chart)], seconds: 0)],
                      manifest: manifest)
        }
        var changed = MultiModelFixtures.smallBarChart
        changed.bars[0].value = 2.75
        let recorded = NotebookRecord(run(MultiModelFixtures.smallBarChart), plan: plan)
        let outcome = RecordComparison.compare(expected: recorded, actual: NotebookRecord(run(changed), plan: plan), plan: plan)
        #expect(outcome.drifts.map(\.item) == ["bar \"z1\""])
        let page = CheckReportPage.render(outcome: outcome, expected: recorded, actual: run(changed), recordPath: "kl.record.json")
        #expect(page.components(separatedBy: "<figure class=\"figure bar-chart\">").count == 3)
        #expect(page.contains("<title>z1: 2.500</title>") && page.contains("<title>z1: 2.750</title>"))
    }
}
