import Foundation
import NotebookResults
import Site
import Testing

/// With `FIGURE_PREVIEW=folder` in the environment, writes the multi-model figures as
/// standalone HTML pages there (light and dark), to look at in a browser; otherwise does nothing.
@Suite struct FigurePreview {
    /// Eight models with long names, so the legend wraps.
    static let manyModels = LineChartOutput(
        title: "Eight models", xLabel: "epoch", yLabel: "loss",
        series: (0..<8).flatMap { model in
            [true, false].map { dashed in
                LineChartOutput.Series(
                    name: "conv-vae-latent-\(model * 8) \(dashed ? "train" : "test")",
                    points: (1...30).map { .init(x: Double($0), y: 100 + Double(model * 5) + (dashed ? 0 : 2) + 40 / Double($0)) },
                    group: "conv-vae-latent-\(model * 8)", dashed: dashed)
            }
        })

    /// Sorted from smallest up, with longer labels: the threshold's label goes to the left.
    static let ascending = BarChartOutput(
        title: "Ascending", xLabel: "dimension", yLabel: "KL",
        bars: (0..<20).map { .init(label: "dim \($0)", value: Double($0 * $0) / 40, highlighted: $0 > 8) },
        threshold: .init(value: 1.6, label: "threshold 1.6 nats"))

    @Test(.enabled(if: ProcessInfo.processInfo.environment["FIGURE_PREVIEW"] != nil,
                   "writes preview pages only when FIGURE_PREVIEW names a folder"))
    func writePreviewPages() throws {
        let folder = try #require(ProcessInfo.processInfo.environment["FIGURE_PREVIEW"])
        let figures = [("overlay", renderLineChartFigure(MultiModelFixtures.overlayChart)),
                       ("bars", renderBarChartFigure(MultiModelFixtures.klPerDimension)),
                       ("bars-small", renderBarChartFigure(MultiModelFixtures.smallBarChart)),
                       ("overlay-wide", renderLineChartFigure(Self.manyModels)),
                       ("bars-ascending", renderBarChartFigure(Self.ascending))]
        for (name, figure) in figures {
            for (suffix, scheme) in [("", "light"), ("-dark", "dark")] {
                let page = """
                    <!doctype html><html><head><meta charset="utf-8"><style>
                    :root { color-scheme: \(scheme); }
                    body { font-family: system-ui, sans-serif; margin: 16px; max-width: 860px;
                           background: \(scheme == "dark" ? "#0d1117" : "#fff"); color: \(scheme == "dark" ? "#e6edf3" : "#1f2328"); }
                    figure { margin: 0; } figcaption { text-align: center; font-size: 14px; opacity: 0.7; }
                    </style></head><body>\(figure)</body></html>
                    """
                try Data(page.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(name)\(suffix).html"))
            }
        }
    }
}
