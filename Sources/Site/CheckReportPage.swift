import Foundation
import Publishing
import NotebookResults
import Record

/// The HTML report `notebook check` writes on drift: every difference in a table, then each
/// output that drifted drawn twice, as recorded and as re-run, side by side.
///
/// The record keeps fingerprints, not pixels, so a recorded image grid is drawn from its 7×7
/// thumbnails (blurred on purpose; the statistics beside it are exact), and a recorded scatter
/// as its per-class statistics. The page is one self-contained file: styles inline, images as
/// data URIs, no scripts, so it can be opened from a CI artifact as it is.
public enum CheckReportPage {
    public static func render(outcome: CheckOutcome, expected: NotebookRecord, actual: RunResult,
                              recordPath: String) -> String {
        let notebook = actual.document.path
        var body = "<h1>Check failed: \(escapeHTMLText(notebook))</h1>\n"
        let mode: String
        switch outcome.mode {
        case .exact: mode = "Compared exactly: the engine, CPU, BLAS kernel and threads are the recorded ones."
        case .tolerant(let reason): mode = "Compared within tolerances, because the configuration differs: \(reason)."
        }
        body += "<p>\(outcome.drifts.count) difference\(outcome.drifts.count == 1 ? "" : "s") from "
            + "<code>\(escapeHTMLText(recordPath))</code>"
            + (outcome.firstDriftingBlock.map { "; the first is in block \($0)" } ?? "") + ". "
            + escapeHTMLText(mode) + "</p>\n"
        body += driftTable(outcome.drifts)

        let drifted = Dictionary(grouping: outcome.drifts.filter { $0.block != nil }, by: { $0.block! })
        for block in drifted.keys.sorted() {
            let drifts = drifted[block]!
            body += "<section class=\"drifted-block\">\n<h2>Block \(block) — \(escapeHTMLText(drifts[0].location.description))</h2>\n"
            let blockIndex = block - 1
            let recordedBlock = blockIndex < expected.blocks.count ? expected.blocks[blockIndex] : nil
            let freshOutputs = blockIndex < actual.results.count ? actual.results[blockIndex].outputs : []
            if drifts.contains(where: { $0.outputIndex == nil }), let recordedBlock, blockIndex < actual.results.count {
                body += metricsComparison(recordedBlock.metrics, actual.results[blockIndex].metrics)
            }
            for outputIndex in Set(drifts.compactMap(\.outputIndex)).sorted() {
                let recorded = recordedBlock.flatMap { outputIndex < $0.outputs.count ? $0.outputs[outputIndex] : nil }
                let fresh = outputIndex < freshOutputs.count ? freshOutputs[outputIndex] : nil
                body += "<div class=\"side-by-side\">\n<div><h3>Recorded</h3>\n"
                    + (recorded.map(renderRecorded) ?? "<p>(no such output)</p>")
                    + "\n</div>\n<div><h3>This run</h3>\n"
                    + (fresh.map(renderBlockOutput) ?? "<p>(no such output)</p>")
                    + "\n</div>\n</div>\n"
            }
            body += "</section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Check failed: \(escapeHTMLText(notebook))</title>
            <style>
            \(siteStylesheet)
            .side-by-side { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1.5rem; }
            .side-by-side > div { min-width: 0; overflow-x: auto; }
            table.drifts td { vertical-align: top; }
            </style>
            </head>
            <body>
            <main>
            <article class="notebook">
            \(body)
            </article>
            </main>
            </body>
            </html>

            """
    }

    /// Writes the report, creating its folder, through a file staged beside it
    /// (`.NAME.notebook-staged-<pid>-<random>`) and a rename; one a killed check left is
    /// removed by the next.
    public static func write(_ html: String, to path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        StagingArea.removeStaleBesideFiles(in: folder)
        let staged = folder.appendingPathComponent(StagingArea.besideName(for: url))
        do {
            try FileOperations.system.write(Data(html.utf8), to: staged)
            try FileOperations.system.rename(staged, to: url)
        } catch {
            try? FileOperations.system.removeTree(staged)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path,
                                                           NSLocalizedDescriptionKey: "\(error)"])
        }
    }

    private static func driftTable(_ drifts: [Drift]) -> String {
        var rows = ""
        for drift in drifts {
            let cells = [drift.location.description, drift.block.map(String.init) ?? "—", drift.figure, drift.qualifiedItem,
                         drift.expected, drift.actual, drift.deviation ?? ""]
            rows += "<tr>" + cells.map { "<td>\(escapeHTMLText($0))</td>" }.joined() + "</tr>\n"
        }
        return """
            <figure class="figure table">
            <table class="drifts">
            <thead><tr><th>Where</th><th>Block</th><th>Output</th><th>What</th><th>Expected</th><th>Actual</th><th>Deviation</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            </figure>

            """
    }

    /// Every metric of a drifted block side by side, each with its model (the recorded one, or
    /// this run's for a record made before records kept models).
    private static func metricsComparison(_ recorded: [Metric], _ fresh: [Metric]) -> String {
        let count = max(recorded.count, fresh.count)
        let rows = (0..<count).map { index -> [String] in
            let was = index < recorded.count ? recorded[index] : nil, now = index < fresh.count ? fresh[index] : nil
            return [was?.model ?? now?.model ?? "—", was?.name ?? now?.name ?? "",
                    was.map { "\($0.value)" } ?? "—", now.map { "\($0.value)" } ?? "—"]
        }
        return renderTableFigure(TableOutput(title: "Metrics, unrounded", columns: ["Model", "Metric", "Recorded", "This run"],
                                             rows: rows))
    }

    /// A recorded output drawn from what the record keeps.
    static func renderRecorded(_ output: RecordedOutput) -> String {
        switch output.kind {
        case .text:
            return renderTextOutput(output.text ?? "")
        case .table:
            return renderTableFigure(TableOutput(title: output.title ?? "", columns: output.columns ?? [], rows: output.rows ?? [],
                                                 caption: output.text))
        case .lineChart:
            let series = (output.series ?? []).map { series in
                LineChartOutput.Series(name: series.name, points: series.points.compactMap {
                    $0.count == 2 ? LineChartOutput.Point(x: $0[0], y: $0[1]) : nil
                })
            }
            return renderLineChartFigure(LineChartOutput(title: output.title ?? "", xLabel: "", yLabel: "", series: series))
        case .imageGrid:
            guard let grid = output.grid else { return renderTextOutput("(no fingerprint)") }
            // Each block mean drawn as a block of the image's own size, so both sides line up.
            let side = GridFingerprint.thumbnailSide
            let images = grid.thumbnails.map { thumbnail -> [Float] in
                let levels = GridFingerprint.levels(of: thumbnail) ?? Array(repeating: 0, count: side * side)
                var pixels: [Float] = []
                pixels.reserveCapacity(grid.imageWidth * grid.imageHeight)
                for y in 0..<grid.imageHeight {
                    for x in 0..<grid.imageWidth {
                        pixels.append(Float(levels[min(side - 1, y * side / grid.imageHeight) * side
                                                   + min(side - 1, x * side / grid.imageWidth)]))
                    }
                }
                return pixels
            }
            let statistics = String(format: "Thumbnails (7×7 block means). Mean %.4f, standard deviation %.4f, range %.4f–%.4f.",
                                    grid.mean, grid.standardDeviation, grid.minimum, grid.maximum)
            return renderImageGridFigure(ImageGridOutput(title: output.title ?? "", caption: statistics,
                                                         rows: grid.rows, columns: grid.columns,
                                                         imageWidth: grid.imageWidth, imageHeight: grid.imageHeight,
                                                         images: images))
        case .barChart:
            let bars = (output.bars ?? []).map {
                BarChartOutput.Bar(label: $0.label, value: $0.value, highlighted: $0.highlighted)
            }
            let threshold = output.threshold.map { BarChartOutput.Threshold(value: $0.value, label: $0.label) }
            return renderBarChartFigure(BarChartOutput(title: output.title ?? "", xLabel: "", yLabel: "", bars: bars,
                                                       threshold: threshold))
        case .scatter:
            guard let scatter = output.scatter else { return renderTextOutput("(no fingerprint)") }
            let rows = scatter.classes.map { item in
                [item.name, String(item.count), String(format: "%.4f", item.meanX), String(format: "%.4f", item.meanY),
                 String(format: "%.4f", item.standardDeviationX), String(format: "%.4f", item.standardDeviationY)]
            }
            return renderTableFigure(TableOutput(title: (output.title ?? "") + " — recorded per-class statistics",
                                                 columns: ["Class", "Points", "Mean x", "Mean y", "SD x", "SD y"], rows: rows))
        }
    }
}
