import Foundation
import NotebookResults

/// Draws a `BarChartOutput` as one inline SVG bar chart in a `<figure>`, in the style of the
/// line chart: the same size, fonts, grid lines, axes and `currentColor` text and axes, so
/// it follows the page's light or dark theme.
///
/// Bars stand in their given order from a y axis that starts at 0 (or below, for negative
/// values), with "nice" ticks (see `AxisScale`). Highlighted bars are drawn in the first
/// `tab10` colour, the others grey. Each bar carries a `<title>` with its label and value,
/// shown as a tooltip without any script. The labels stand under the x axis; when they
/// would overlap (64 latent dimensions in one chart) only every n-th is written, with a
/// tick under each labelled bar. A threshold, when given, is a dashed horizontal line
/// across the plot with its label at the end where the bars leave room for it.
///
/// Bars whose value is NaN or infinite are left out; a chart with no finite bar draws its
/// axes over `0...1` with the words "no data". The caption, when present, is the
/// `<figcaption>`.
public func renderBarChartFigure(_ chart: BarChartOutput) -> String {
    BarChartLayout(chart).render()
}

/// Geometry of one bar chart, computed once from its data.
private struct BarChartLayout {
    static let height = 420.0
    /// The share of its slot a bar fills (matplotlib's default bar width).
    static let barShare = 0.8
    /// No bar wider than this, so a chart of two bars does not look like two walls.
    static let maximumBarWidth = 56.0
    static let highlightColor = chartSeriesColors[0]
    /// tab20's light grey: apart from the highlight colour in grey-scale print too.
    static let plainColor = "#c7c7c7"
    static let dashArray = "6 4"

    let chart: BarChartOutput
    /// The bars with a finite value, in order.
    let bars: [BarChartOutput.Bar]
    let threshold: BarChartOutput.Threshold?
    let yAxis: AxisScale
    let plotLeft: Double
    let plotRight: Double
    let plotTop: Double
    let plotBottom: Double
    /// Every `labelStep`-th bar has its label written under the axis.
    let labelStep: Int

    init(_ chart: BarChartOutput) {
        self.chart = chart
        bars = chart.bars.filter(\.value.isFinite)
        threshold = bars.isEmpty ? nil : chart.threshold.flatMap { $0.value.isFinite ? $0 : nil }
        let values = bars.map(\.value) + (threshold.map { [$0.value] } ?? [])
        // 5% headroom beyond the data, as matplotlib leaves, so the longest bar does not touch
        // the top of the plot when it ends on a tick.
        let dataLow = min(0, values.min() ?? 0)
        let dataHigh = max(0, values.max() ?? 1)
        let low = dataLow < 0 ? dataLow - 0.05 * (dataHigh - dataLow) : 0
        var high = dataHigh > 0 ? dataHigh + 0.05 * (dataHigh - dataLow) : 0
        if high == low { high = low + 1 }
        let yAxis = AxisScale(minimum: low, maximum: high, targetTickCount: 5)
        self.yAxis = yAxis

        let widestTickLabel = yAxis.ticks.map { yAxis.label(for: $0).count }.max() ?? 1
        plotLeft = (chart.yLabel.isEmpty ? 12 : 34) + Double(widestTickLabel) * ChartStyle.characterWidth + 10
        plotRight = ChartStyle.width - 24
        plotTop = chart.title.isEmpty ? 12 : 38
        plotBottom = Self.height - (chart.xLabel.isEmpty ? 34 : 54)

        let slot = (plotRight - plotLeft) / Double(max(1, bars.count))
        let widestLabel = Double(bars.map(\.label.count).max() ?? 0) * ChartStyle.characterWidth + 8
        labelStep = max(1, Int((widestLabel / slot).rounded(.up)))
    }

    var slotWidth: Double { (plotRight - plotLeft) / Double(max(1, bars.count)) }
    var barWidth: Double { min(slotWidth * Self.barShare, Self.maximumBarWidth) }

    /// The middle of bar `index`'s slot.
    func center(_ index: Int) -> Double { plotLeft + (Double(index) + 0.5) * slotWidth }

    func y(_ value: Double) -> Double {
        yAxis.position(of: value, from: plotBottom, to: plotTop)
    }

    var axes: ChartAxes {
        // The x axis has no numeric ticks: the bars' labels are drawn instead.
        var xAxis = AxisScale(minimum: 0, maximum: 1)
        xAxis.ticks = []
        return ChartAxes(xAxis: xAxis, yAxis: yAxis, plotLeft: plotLeft, plotRight: plotRight, plotTop: plotTop,
                         plotBottom: plotBottom, xLabel: chart.xLabel, yLabel: chart.yLabel, inset: 0,
                         labelFontSize: ChartStyle.labelFontSize)
    }

    func render() -> String {
        let c = formatCoordinate
        let highlighted = bars.filter(\.highlighted).count
        var label = chart.title.isEmpty ? "Bar chart" : "Bar chart: \(chart.title)"
        label += ". \(bars.count) \(bars.count == 1 ? "bar" : "bars")"
        if highlighted > 0 { label += ", \(highlighted) highlighted" }
        if !chart.xLabel.isEmpty || !chart.yLabel.isEmpty {
            label += ". \(chart.yLabel.isEmpty ? "value" : chart.yLabel) by \(chart.xLabel.isEmpty ? "bar" : chart.xLabel)"
        }
        if let threshold {
            label += ". Threshold" + (threshold.label.isEmpty ? "" : " \(threshold.label)")
                + " at \(SignificantDigits.format(threshold.value))"
        }
        if !chart.caption.isEmpty { label += ". \(chart.caption)" }
        if !label.hasSuffix(".") { label += "." }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart bar-chart" viewBox="0 0 \(c(ChartStyle.width)) \(c(Self.height))" width="\(c(ChartStyle.width))" \
        height="\(c(Self.height))" role="img" aria-label="\(escapeHTMLAttribute(label))" \
        font-family="system-ui, sans-serif" font-size="\(c(ChartStyle.fontSize))" fill="currentColor">
        <title>\(escapeHTMLText(chart.title.isEmpty ? "Bar chart" : chart.title))</title>

        """
        if !chart.title.isEmpty {
            svg += "<text x=\"\(c((plotLeft + plotRight) / 2))\" y=\"23\" text-anchor=\"middle\" "
                + "font-size=\"\(c(ChartStyle.titleFontSize))\" font-weight=\"600\">\(escapeHTMLText(chart.title))</text>\n"
        }
        svg += "<g class=\"grid\" stroke=\"currentColor\" stroke-opacity=\"0.15\">\n"
        for tick in yAxis.ticks {
            svg += "<line x1=\"\(c(plotLeft))\" y1=\"\(c(y(tick)))\" x2=\"\(c(plotRight))\" y2=\"\(c(y(tick)))\"/>\n"
        }
        svg += "</g>\n"
        if bars.isEmpty {
            svg += axes.render()
            svg += "<text x=\"\(c((plotLeft + plotRight) / 2))\" y=\"\(c((plotTop + plotBottom) / 2))\" "
                + "text-anchor=\"middle\" fill-opacity=\"0.6\">no data</text>\n"
        } else {
            svg += renderBars()
            // Axes over the bars, so the baseline is not hidden under them.
            svg += axes.render()
            svg += renderBarLabels()
            svg += renderThreshold()
        }
        svg += "</svg>"
        let figcaption = chart.caption.isEmpty ? "" : "\n<figcaption>\(escapeHTMLText(chart.caption))</figcaption>"
        return "<figure class=\"figure bar-chart\">\n\(svg)\(figcaption)\n</figure>"
    }

    func renderBars() -> String {
        let c = formatCoordinate
        let base = y(0)
        var svg = "<g class=\"bars\">\n"
        for (index, bar) in bars.enumerated() {
            let top = y(bar.value)
            let tooltip = "\(bar.label): \(SignificantDigits.format(bar.value))"
            svg += "<rect x=\"\(c(center(index) - barWidth / 2))\" y=\"\(c(min(top, base)))\" width=\"\(c(barWidth))\" "
                + "height=\"\(c(abs(base - top)))\" fill=\"\(bar.highlighted ? Self.highlightColor : Self.plainColor)\">"
                + "<title>\(escapeHTMLText(tooltip))</title></rect>\n"
        }
        return svg + "</g>\n"
    }

    /// Every `labelStep`-th label under the axis, each with a tick mark.
    func renderBarLabels() -> String {
        let c = formatCoordinate
        var ticks = ""
        var labels = ""
        for index in stride(from: 0, to: bars.count, by: labelStep) {
            let x = center(index)
            ticks += "<line x1=\"\(c(x))\" y1=\"\(c(plotBottom))\" x2=\"\(c(x))\" y2=\"\(c(plotBottom + 5))\"/>\n"
            // A label that would run past the right edge of the figure ends at it instead.
            let halfWidth = Double(bars[index].label.count) * ChartStyle.characterWidth / 2
            let anchor = x + halfWidth > ChartStyle.width - 2 ? " text-anchor=\"end\"" : " text-anchor=\"middle\""
            let textX = x + halfWidth > ChartStyle.width - 2 ? ChartStyle.width - 2 : x
            labels += "<text x=\"\(c(textX))\" y=\"\(c(plotBottom + 19))\"\(anchor)>"
                + "\(escapeHTMLText(bars[index].label))</text>\n"
        }
        return "<g class=\"bar-ticks\" stroke=\"currentColor\">\n\(ticks)</g>\n<g class=\"bar-labels\">\n\(labels)</g>\n"
    }

    /// The dashed line and its label, at the end of the plot whose bars stay below the
    /// label (the right for bars sorted from largest down), above the line where it fits.
    func renderThreshold() -> String {
        guard let threshold else { return "" }
        let c = formatCoordinate
        let lineY = y(threshold.value)
        let description = threshold.label.isEmpty
            ? "threshold: \(SignificantDigits.format(threshold.value))"
            : "\(threshold.label): \(SignificantDigits.format(threshold.value))"
        var svg = "<g class=\"threshold\">\n"
        svg += "<line x1=\"\(c(plotLeft))\" y1=\"\(c(lineY))\" x2=\"\(c(plotRight))\" y2=\"\(c(lineY))\" "
            + "stroke=\"currentColor\" stroke-width=\"1.5\" stroke-dasharray=\"\(Self.dashArray)\">"
            + "<title>\(escapeHTMLText(description))</title></line>\n"
        if !threshold.label.isEmpty {
            let labelWidth = Double(threshold.label.count) * ChartStyle.characterWidth + 8
            let above = lineY - 6 - ChartStyle.fontSize >= plotTop
            let textY = above ? lineY - 6 : lineY + 6 + ChartStyle.fontSize
            // Whether no bar between `left` and `right` reaches into the label's line of text.
            func clear(from left: Double, to right: Double) -> Bool {
                bars.indices.allSatisfy { index in
                    let (start, end) = (center(index) - barWidth / 2, center(index) + barWidth / 2)
                    guard end > left && start < right else { return true }
                    let top = min(y(bars[index].value), y(0))
                    return top > textY + 2 || max(y(bars[index].value), y(0)) < textY - ChartStyle.fontSize - 2
                }
            }
            let rightClear = clear(from: plotRight - labelWidth - 4, to: plotRight)
            let leftClear = clear(from: plotLeft, to: plotLeft + labelWidth + 4)
            let onLeft = !rightClear && leftClear
            svg += "<text x=\"\(c(onLeft ? plotLeft + 4 : plotRight - 4))\" y=\"\(c(textY))\" "
                + "text-anchor=\"\(onLeft ? "start" : "end")\">\(escapeHTMLText(threshold.label))</text>\n"
        }
        return svg + "</g>\n"
    }
}
