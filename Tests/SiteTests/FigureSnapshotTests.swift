import NotebookResults
import Site
import Testing

/// The whole text of each figure kind and page, compared with recorded snapshots.
@Suite struct FigureSnapshotTests {
    @Test func table() {
        expectSnapshot(renderTableFigure(Fixtures.lossTable), named: "table.html")
    }

    @Test func textOutput() {
        expectSnapshot(renderTextOutput("layer  shape\ndense  <400>\n"), named: "text-output.html")
    }

    @Test func lineChart() {
        expectSnapshot(renderLineChartFigure(Fixtures.lossChart), named: "line-chart.svg.html")
    }

    @Test func lineChartWithOnePoint() {
        let chart = LineChartOutput(title: "One epoch", xLabel: "epoch", yLabel: "loss",
                                    series: [.init(name: "train", points: [.init(x: 1, y: 0.25)])])
        expectSnapshot(renderLineChartFigure(chart), named: "line-chart-one-point.svg.html")
    }

    @Test func lineChartWithEqualValuesAndGaps() {
        let chart = LineChartOutput(title: "Flat", xLabel: "step", yLabel: "", series: [
            .init(name: "flat", points: [.init(x: 0.5, y: 3), .init(x: 1, y: 3), .init(x: 1.5, y: .nan),
                                         .init(x: 2, y: 3), .init(x: .infinity, y: 3), .init(x: 2.5, y: 3)]),
            .init(name: "empty", points: []),
        ])
        expectSnapshot(renderLineChartFigure(chart), named: "line-chart-flat-gaps.svg.html")
    }

    @Test func lineChartWithoutData() {
        let chart = LineChartOutput(title: "", xLabel: "", yLabel: "",
                                    series: [.init(name: "nothing", points: [.init(x: .nan, y: 1)])])
        expectSnapshot(renderLineChartFigure(chart), named: "line-chart-no-data.svg.html")
    }

    @Test func lineChartOverlayingThreeModels() {
        expectSnapshot(renderLineChartFigure(MultiModelFixtures.overlayChart), named: "line-chart-three-models.svg.html")
    }

    @Test func barChartOfKLPerDimension() {
        expectSnapshot(renderBarChartFigure(MultiModelFixtures.klPerDimension), named: "bar-chart-kl.svg.html")
    }

    @Test func barChartWithAGapAndEscapes() {
        expectSnapshot(renderBarChartFigure(MultiModelFixtures.smallBarChart), named: "bar-chart-small.svg.html")
    }

    @Test func imageGrid() {
        expectSnapshot(renderImageGridFigure(Fixtures.smallGrid), named: "image-grid.svg.html")
    }

    @Test func lossTable() {
        expectSnapshot(renderTableFigure(Fixtures.epochLossTable), named: "loss-table.html")
    }

    @Test func modelSummaryTable() {
        expectSnapshot(renderTableFigure(Fixtures.modelSummary), named: "model-summary-table.html")
    }

    @Test func samplesGrid() {
        expectSnapshot(renderImageGridFigure(Fixtures.samplesGrid), named: "image-grid-samples.svg.html")
    }

    @Test func evolutionStrip() {
        expectSnapshot(renderImageGridFigure(Fixtures.evolutionStrip), named: "image-grid-evolution.svg.html")
    }

    @Test func projectedLatentScatter() {
        let html = renderScatterFigure(Fixtures.projectedScatter)
        // The projection is named where a reader looks: the title, the axes and the caption.
        #expect(html.contains("<title>Latent space (PCA projection)</title>"))
        #expect(html.contains(">PC 1</text>") && html.contains(">PC 2</text>"))
        #expect(html.contains(">Ankle boot</text>"))
        expectSnapshot(html, named: "scatter-projected.svg.html")
    }

    @Test func notebookPage() {
        expectSnapshot(renderNotebookPage(Fixtures.demoRun), named: "notebook-page.html")
    }

    @Test func indexPage() {
        let pages = [
            SiteManifest.entry(for: Fixtures.demoRun, href: "demo.html"),
            PageSummary(title: "Second & last", href: "second.html", summary: "", lastRun: ""),
        ]
        expectSnapshot(renderIndexPage(pages), named: "index-page.html")
    }

    @Test func emptyIndexPage() {
        expectSnapshot(renderIndexPage([]), named: "index-page-empty.html")
    }
}
