import NotebookResults
import Foundation

extension NotebookRecord {
    /// The record of a run: every runnable block's metrics and output fingerprints.
    public init(_ run: RunResult, plan: CheckPlan) {
        format = Self.currentFormat
        checksum = ""
        notebook = URL(fileURLWithPath: run.document.path).lastPathComponent
        manifest = RecordedManifest(run.manifest)
        var blocks: [RecordedBlock] = []
        for (ordinal, result) in run.results.enumerated() {
            let line = plan.blocks.indices.contains(ordinal) ? plan.blocks[ordinal].location.line : 0
            blocks.append(RecordedBlock(block: ordinal + 1, line: line, metrics: result.metrics,
                                        outputs: result.outputs.map(RecordedOutput.init)))
        }
        self.blocks = blocks
    }
}

extension RecordedOutput {
    init(_ output: BlockOutput) {
        switch output {
        case .text(let text):
            self.init(kind: .text, text: text)
        case .table(let table):
            // A table's caption says what its numbers are, so a changed one is a drift: kept as its text.
            self.init(kind: .table, title: table.title, text: table.caption, columns: table.columns, rows: table.rows)
        case .lineChart(let chart):
            self.init(kind: .lineChart, title: chart.title,
                      series: chart.series.map { RecordedSeries(name: $0.name, points: $0.points.map { [$0.x, $0.y] }) })
        case .imageGrid(let grid):
            self.init(kind: .imageGrid, title: grid.title, grid: GridFingerprint(grid))
        case .scatter(let scatter):
            self.init(kind: .scatter, title: scatter.title, scatter: ScatterFingerprint(scatter))
        case .barChart(let chart):
            // What is drawn: bars and a threshold with a finite value (a JSON record holds no NaN).
            let threshold = chart.threshold.flatMap { $0.value.isFinite ? RecordedThreshold(label: $0.label, value: $0.value) : nil }
            self.init(kind: .barChart, title: chart.title,
                      bars: chart.bars.filter(\.value.isFinite).map {
                          RecordedBar(label: $0.label, value: $0.value, highlighted: $0.highlighted)
                      },
                      threshold: threshold)
        }
    }
}
