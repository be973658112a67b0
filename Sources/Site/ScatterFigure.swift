import Foundation
import NotebookResults

/// Draws a `ScatterOutput` as one inline SVG scatter plot in a `<figure>`, styled like
/// a matplotlib `scatter` coloured by class.
///
/// The plot has a title, both axes with "nice" ticks (see `AxisScale`) and their
/// labels, one small translucent circle per point coloured by its label from the
/// `tab10` cycle (`chartSeriesColors`), and a legend to the right naming every class
/// that occurs (the name from `classNames`, else "class N"). Text and axes use
/// `currentColor`, so the plot follows the page's light or dark theme; the caption,
/// when present, is the `<figcaption>`.
///
/// The markup stays compact for many points (10,000 points take under 400 KB):
/// coordinates are rounded to one decimal and points are grouped by class into one
/// `<g fill=…>` each, so a circle carries only its centre and radius. Points whose x
/// or y is NaN or infinite are skipped; a plot with no finite point draws its axes
/// over `0...1` with the words "no data".
public func renderScatterFigure(_ scatter: ScatterOutput) -> String {
    ScatterLayout(scatter).render()
}

/// Geometry of one scatter plot, computed once from its data.
private struct ScatterLayout {
    static let height = 480.0
    static let pointRadius = "2"
    static let pointOpacity = "0.75"

    let scatter: ScatterOutput
    /// The finite points, grouped by label in ascending label order.
    let classes: [(label: Int, points: [ScatterOutput.Point])]
    let pointCount: Int
    let xAxis: AxisScale
    let yAxis: AxisScale
    let plotLeft: Double
    let plotRight: Double
    let plotTop: Double
    let plotBottom: Double
    let legendLeft: Double

    init(_ scatter: ScatterOutput) {
        self.scatter = scatter
        let finite = scatter.points.filter { $0.x.isFinite && $0.y.isFinite }
        pointCount = finite.count
        classes = Dictionary(grouping: finite, by: \.label).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let xs = finite.map(\.x)
        let ys = finite.map(\.y)
        xAxis = AxisScale(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1, targetTickCount: 6)
        let yAxis = AxisScale(minimum: ys.min() ?? 0, maximum: ys.max() ?? 1, targetTickCount: 5)
        self.yAxis = yAxis

        let widestTickLabel = yAxis.ticks.map { yAxis.label(for: $0).count }.max() ?? 1
        plotLeft = (scatter.yLabel.isEmpty ? 12 : 34) + Double(widestTickLabel) * ChartStyle.characterWidth + 10
        let widestClassName = classes.map { Self.className(of: $0.label, in: scatter.classNames).count }.max()
        let legendWidth = widestClassName.map { 16 + Double($0) * ChartStyle.characterWidth + 12 } ?? 0
        legendLeft = ChartStyle.width - legendWidth
        plotRight = legendLeft - (legendWidth > 0 ? 12 : 24)
        plotTop = scatter.title.isEmpty ? 12 : 38
        plotBottom = Self.height - (scatter.xLabel.isEmpty ? 34 : 54)
    }

    /// The legend name of class `label`: its entry in `names`, else "class N".
    static func className(of label: Int, in names: [String]) -> String {
        names.indices.contains(label) && !names[label].isEmpty ? names[label] : "class \(label)"
    }

    static func color(of label: Int) -> String {
        let count = chartSeriesColors.count
        return chartSeriesColors[((label % count) + count) % count]
    }

    func x(_ value: Double) -> Double {
        xAxis.position(of: value, from: plotLeft + ChartStyle.axisInset, to: plotRight - ChartStyle.axisInset)
    }
    func y(_ value: Double) -> Double {
        yAxis.position(of: value, from: plotBottom - ChartStyle.axisInset, to: plotTop + ChartStyle.axisInset)
    }

    var axes: ChartAxes {
        ChartAxes(xAxis: xAxis, yAxis: yAxis, plotLeft: plotLeft, plotRight: plotRight, plotTop: plotTop,
                  plotBottom: plotBottom, xLabel: scatter.xLabel, yLabel: scatter.yLabel, inset: ChartStyle.axisInset,
                  labelFontSize: ChartStyle.labelFontSize)
    }

    func render() -> String {
        let c = formatCoordinate
        let names = classes.map { Self.className(of: $0.label, in: scatter.classNames) }
        var label = scatter.title.isEmpty ? "Scatter plot" : "Scatter plot: \(scatter.title)"
        label += ". \(pointCount) \(pointCount == 1 ? "point" : "points")"
        if !names.isEmpty { label += " in \(names.count) \(names.count == 1 ? "class" : "classes"): " + names.joined(separator: ", ") }
        if !scatter.xLabel.isEmpty || !scatter.yLabel.isEmpty {
            label += ". \(scatter.yLabel.isEmpty ? "y" : scatter.yLabel) against \(scatter.xLabel.isEmpty ? "x" : scatter.xLabel)"
        }
        if !scatter.caption.isEmpty { label += ". \(scatter.caption)" }
        if !label.hasSuffix(".") { label += "." }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart scatter" viewBox="0 0 \(c(ChartStyle.width)) \(c(Self.height))" width="\(c(ChartStyle.width))" \
        height="\(c(Self.height))" role="img" aria-label="\(escapeHTMLAttribute(label))" \
        font-family="system-ui, sans-serif" font-size="\(c(ChartStyle.fontSize))" fill="currentColor">
        <title>\(escapeHTMLText(scatter.title.isEmpty ? "Scatter plot" : scatter.title))</title>

        """
        if !scatter.title.isEmpty {
            svg += "<text x=\"\(c((plotLeft + plotRight) / 2))\" y=\"23\" text-anchor=\"middle\" font-size=\"\(c(ChartStyle.titleFontSize))\" "
                + "font-weight=\"600\">\(escapeHTMLText(scatter.title))</text>\n"
        }
        svg += renderAxes()
        if classes.isEmpty {
            svg += "<text x=\"\(c((plotLeft + plotRight) / 2))\" y=\"\(c((plotTop + plotBottom) / 2))\" "
                + "text-anchor=\"middle\" fill-opacity=\"0.6\">no data</text>\n"
        } else {
            svg += renderPoints()
            svg += renderLegend(names: names)
        }
        svg += "</svg>"
        let figcaption = scatter.caption.isEmpty ? "" : "\n<figcaption>\(escapeHTMLText(scatter.caption))</figcaption>"
        return "<figure class=\"figure scatter\">\n\(svg)\(figcaption)\n</figure>"
    }

    func renderAxes() -> String { axes.render() }

    /// One group per class; each circle holds only its centre (one decimal) and radius.
    func renderPoints() -> String {
        var svg = ""
        for (label, points) in classes {
            svg += "<g class=\"points\" fill=\"\(Self.color(of: label))\" fill-opacity=\"\(Self.pointOpacity)\">\n"
            for point in points {
                svg += "<circle cx=\"\(formatFixedNumber(x(point.x), decimals: 1))\" "
                    + "cy=\"\(formatFixedNumber(y(point.y), decimals: 1))\" r=\"\(Self.pointRadius)\"/>\n"
            }
            svg += "</g>\n"
        }
        return svg
    }

    func renderLegend(names: [String]) -> String {
        let c = formatCoordinate
        var svg = "<g class=\"legend\">\n"
        for (index, entry) in classes.enumerated() {
            let middle = plotTop + ChartStyle.legendRowHeight / 2 + Double(index) * ChartStyle.legendRowHeight
            svg += "<circle cx=\"\(c(legendLeft + 5))\" cy=\"\(c(middle))\" r=\"4\" fill=\"\(Self.color(of: entry.label))\"/>"
                + "<text x=\"\(c(legendLeft + 16))\" y=\"\(c(middle + 4))\">\(escapeHTMLText(names[index]))</text>\n"
        }
        return svg + "</g>\n"
    }
}
