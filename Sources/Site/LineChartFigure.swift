import Foundation
import NotebookResults

/// Draws a `LineChartOutput` as one inline SVG chart in a `<figure>`, styled like a
/// clean matplotlib plot.
///
/// The chart has a title, a legend row under it naming every series, grid lines at
/// the y ticks, both axes with "nice" ticks (see `AxisScale`) and their labels, and
/// per series one polyline plus point markers. Series are told apart by colour
/// (matplotlib's `tab10`) and by marker shape (circle, square, triangle, diamond), so
/// the chart stays readable for colour-blind readers and in grey-scale print. Text
/// and axes use `currentColor`, so the chart follows the page's light or dark theme.
///
/// Several models in one chart: when any series has a `group` (the model's name), colours
/// and marker shapes go by group in order of first appearance, so a model's train and test
/// curves share a colour, and the legend names each group once, followed by a key to the
/// line styles (the dashed series' "train", the solid ones' "test"). A `dashed` series is
/// drawn with a dashed line in any chart. A chart without groups or dashed series is drawn
/// as it was before either existed.
///
/// Points whose x or y is NaN or infinite are skipped and break the line; a chart with
/// no finite point draws its axes over `0...1` with the words "no data". When every x
/// is a whole number (epochs, steps) the x ticks are whole numbers. Each marker carries
/// a `<title>` with its values, shown as a tooltip without any script.
public func renderLineChartFigure(_ chart: LineChartOutput) -> String {
    LineChartLayout(chart).render()
}

/// The colours of successive series: matplotlib's `tab10` cycle.
public let chartSeriesColors = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
]

/// One entry of a line chart's legend.
private enum LegendEntry {
    /// A series by its index, in a chart without groups.
    case series(Int)
    /// A group (model) by its index in `LineChartLayout.groups`.
    case group(Int)
    /// A short vertical rule between the groups and the line-style key.
    case separator
    /// What a dashed or a solid line means, e.g. "train" and "test".
    case style(dashed: Bool, label: String)
}

/// Geometry of one chart, computed once from its data.
private struct LineChartLayout {
    static let height = 420.0
    static let legendSwatchWidth = 26.0
    /// Series with more points than this are drawn without markers.
    static let maximumMarkedPoints = 60
    /// The dash pattern of a `dashed` series: 6 px drawn, 4 px gap.
    static let dashArray = "6 4"

    let chart: LineChartOutput
    let xAxis: AxisScale
    let yAxis: AxisScale
    let hasData: Bool
    /// Whether any series has a group: then colours and markers go by group.
    let grouped: Bool
    /// The groups in order of first appearance (a series without one in a grouped chart is
    /// its own group, under its name).
    let groups: [String]
    /// Per series, the index of its colour and marker shape: the series' own index without
    /// groups, its group's index with them.
    let styleIndex: [Int]
    let legendRows: [[(entry: LegendEntry, x: Double)]]
    let plotLeft: Double
    let plotRight: Double
    let plotTop: Double
    let plotBottom: Double

    init(_ chart: LineChartOutput) {
        self.chart = chart
        let finitePoints = chart.series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        hasData = !finitePoints.isEmpty
        let xs = finitePoints.map(\.x)
        let ys = finitePoints.map(\.y)
        let integerX = hasData && xs.allSatisfy { $0 == $0.rounded() }
        xAxis = AxisScale(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1, targetTickCount: 6, integerSteps: integerX)
        let yAxis = AxisScale(minimum: ys.min() ?? 0, maximum: ys.max() ?? 1, targetTickCount: 5)
        self.yAxis = yAxis

        let widestTickLabel = yAxis.ticks.map { yAxis.label(for: $0).count }.max() ?? 1
        plotLeft = (chart.yLabel.isEmpty ? 12 : 34) + Double(widestTickLabel) * ChartStyle.characterWidth + 10
        plotRight = ChartStyle.width - 24
        plotBottom = Self.height - (chart.xLabel.isEmpty ? 34 : 54)

        grouped = chart.series.contains { $0.group != nil }
        var groups: [String] = []
        var styleIndex: [Int] = []
        for (index, series) in chart.series.enumerated() {
            guard grouped else {
                styleIndex.append(index)
                continue
            }
            let key = series.group ?? series.name
            if let known = groups.firstIndex(of: key) {
                styleIndex.append(known)
            } else {
                styleIndex.append(groups.count)
                groups.append(key)
            }
        }
        self.groups = groups
        self.styleIndex = styleIndex

        var entries: [LegendEntry] = []
        if grouped {
            entries = groups.indices.map { .group($0) }
            let dashed = chart.series.filter(\.dashed)
            let solid = chart.series.filter { !$0.dashed }
            if !dashed.isEmpty {
                entries.append(.separator)
                entries.append(.style(dashed: true, label: Self.styleLabel(of: dashed, otherwise: "train")))
                if !solid.isEmpty {
                    entries.append(.style(dashed: false, label: Self.styleLabel(of: solid, otherwise: "test")))
                }
            }
        } else {
            entries = chart.series.indices.map { .series($0) }
        }

        // Legend entries flow left to right under the title, wrapping at the plot's width.
        var rows: [[(entry: LegendEntry, x: Double)]] = []
        var current: [(entry: LegendEntry, x: Double)] = []
        var cursor = plotLeft
        let widths = entries.map { entry -> Double in
            let name: String
            switch entry {
            case .series(let index): name = chart.series[index].name
            case .group(let index): name = groups[index]
            case .separator: return 20
            case .style(_, let label): name = label
            }
            return Self.legendSwatchWidth + 6 + Double(name.count) * ChartStyle.characterWidth + 18
        }
        for (index, entry) in entries.enumerated() {
            if case .separator = entry {
                // A separator stands between two entries of one row, never at either end.
                let next = index + 1 < widths.count ? widths[index + 1] : 0
                if current.isEmpty || cursor + widths[index] + next > plotRight { continue }
            }
            if !current.isEmpty && cursor + widths[index] > plotRight {
                rows.append(current)
                current = []
                cursor = plotLeft
            }
            current.append((entry, cursor))
            cursor += widths[index]
        }
        if !current.isEmpty { rows.append(current) }
        legendRows = rows
        let titleHeight = chart.title.isEmpty ? 8.0 : 30.0
        plotTop = titleHeight + Double(rows.count) * ChartStyle.legendRowHeight + 12
    }

    /// What the line style of `series` (all dashed or all solid) stands for: what is left of
    /// their names without their group's name ("beta4 train" in group "beta4" is "train")
    /// when that is the same short text for all of them, else `fallback`.
    static func styleLabel(of series: [LineChartOutput.Series], otherwise fallback: String) -> String {
        let separators = CharacterSet.whitespaces.union(CharacterSet(charactersIn: "-–—:,;/()[]"))
        let remainders = Set(series.map { series -> String in
            var name = series.name
            if let group = series.group, !group.isEmpty {
                if name.hasPrefix(group) {
                    name = String(name.dropFirst(group.count))
                } else if name.hasSuffix(group) {
                    name = String(name.dropLast(group.count))
                }
            }
            return name.trimmingCharacters(in: separators)
        })
        guard remainders.count == 1, let label = remainders.first, !label.isEmpty, label.count <= 24,
              series.allSatisfy({ $0.group != nil && $0.name != $0.group }) else { return fallback }
        return label
    }

    func color(ofStyle index: Int) -> String {
        chartSeriesColors[index % chartSeriesColors.count]
    }

    func x(_ value: Double) -> Double {
        xAxis.position(of: value, from: plotLeft + ChartStyle.axisInset, to: plotRight - ChartStyle.axisInset)
    }
    func y(_ value: Double) -> Double {
        yAxis.position(of: value, from: plotBottom - ChartStyle.axisInset, to: plotTop + ChartStyle.axisInset)
    }

    var axes: ChartAxes {
        ChartAxes(xAxis: xAxis, yAxis: yAxis, plotLeft: plotLeft, plotRight: plotRight, plotTop: plotTop,
                  plotBottom: plotBottom, xLabel: chart.xLabel, yLabel: chart.yLabel, inset: ChartStyle.axisInset,
                  labelFontSize: ChartStyle.labelFontSize)
    }

    func render() -> String {
        let c = formatCoordinate
        var label = chart.title.isEmpty ? "Line chart" : "Line chart: \(chart.title)"
        if !chart.series.isEmpty {
            label += ". Series: " + chart.series.map { $0.dashed ? "\($0.name) (dashed)" : $0.name }.joined(separator: ", ")
        }
        if !chart.xLabel.isEmpty || !chart.yLabel.isEmpty {
            label += ". \(chart.yLabel.isEmpty ? "y" : chart.yLabel) against \(chart.xLabel.isEmpty ? "x" : chart.xLabel)"
        }
        label += "."
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(c(ChartStyle.width)) \(c(Self.height))" width="\(c(ChartStyle.width))" \
        height="\(c(Self.height))" role="img" aria-label="\(escapeHTMLAttribute(label))" \
        font-family="system-ui, sans-serif" font-size="\(c(ChartStyle.fontSize))" fill="currentColor">
        <title>\(escapeHTMLText(chart.title.isEmpty ? "Line chart" : chart.title))</title>

        """
        if !chart.title.isEmpty {
            svg += "<text x=\"\(c((plotLeft + plotRight) / 2))\" y=\"21\" text-anchor=\"middle\" font-size=\"\(c(ChartStyle.titleFontSize))\" "
                + "font-weight=\"600\">\(escapeHTMLText(chart.title))</text>\n"
        }
        svg += renderLegend()
        svg += renderGridAndAxes()
        if hasData {
            for index in chart.series.indices { svg += renderSeries(index) }
        } else {
            svg += "<text x=\"\(c((plotLeft + plotRight) / 2))\" y=\"\(c((plotTop + plotBottom) / 2))\" "
                + "text-anchor=\"middle\" fill-opacity=\"0.6\">no data</text>\n"
        }
        svg += "</svg>"
        return "<figure class=\"figure line-chart\">\n\(svg)\n</figure>"
    }

    func renderLegend() -> String {
        guard !legendRows.isEmpty else { return "" }
        let c = formatCoordinate
        let firstRowMiddle = (chart.title.isEmpty ? 8.0 : 30.0) + ChartStyle.legendRowHeight / 2
        var svg = "<g class=\"legend\">\n"
        for (rowIndex, row) in legendRows.enumerated() {
            let middle = firstRowMiddle + Double(rowIndex) * ChartStyle.legendRowHeight
            for (entry, x) in row {
                let swatchLine = { (color: String, dashed: Bool) in
                    "<line x1=\"\(c(x))\" y1=\"\(c(middle))\" x2=\"\(c(x + Self.legendSwatchWidth))\" "
                        + "y2=\"\(c(middle))\" stroke=\"\(color)\" stroke-width=\"2\""
                        + (dashed ? " stroke-dasharray=\"\(Self.dashArray)\"/>" : "/>")
                }
                let name = { (text: String) in
                    "<text x=\"\(c(x + Self.legendSwatchWidth + 6))\" y=\"\(c(middle + 4))\">\(escapeHTMLText(text))</text>\n"
                }
                switch entry {
                case .series(let index):
                    let series = chart.series[index]
                    svg += swatchLine(color(ofStyle: styleIndex[index]), series.dashed)
                    svg += marker(style: styleIndex[index], x: x + Self.legendSwatchWidth / 2, y: middle, tooltip: nil)
                    svg += name(series.name)
                case .group(let index):
                    svg += swatchLine(color(ofStyle: index), false)
                    svg += marker(style: index, x: x + Self.legendSwatchWidth / 2, y: middle, tooltip: nil)
                    svg += name(groups[index])
                case .separator:
                    svg += "<line x1=\"\(c(x + 2))\" y1=\"\(c(middle - 7))\" x2=\"\(c(x + 2))\" y2=\"\(c(middle + 7))\" "
                        + "stroke=\"currentColor\" stroke-opacity=\"0.4\"/>\n"
                case .style(let dashed, let label):
                    svg += swatchLine("currentColor", dashed)
                    svg += name(label)
                }
            }
        }
        return svg + "</g>\n"
    }

    func renderGridAndAxes() -> String {
        let c = formatCoordinate
        var svg = "<g class=\"grid\" stroke=\"currentColor\" stroke-opacity=\"0.15\">\n"
        for tick in yAxis.ticks {
            svg += "<line x1=\"\(c(plotLeft))\" y1=\"\(c(y(tick)))\" x2=\"\(c(plotRight))\" y2=\"\(c(y(tick)))\"/>\n"
        }
        svg += "</g>\n"
        svg += axes.render()
        return svg
    }

    func renderSeries(_ index: Int) -> String {
        let series = chart.series[index]
        let color = color(ofStyle: styleIndex[index])
        // Runs of consecutive finite points; a NaN or infinity ends a run.
        var runs: [[LineChartOutput.Point]] = [[]]
        for point in series.points {
            if point.x.isFinite && point.y.isFinite {
                runs[runs.count - 1].append(point)
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        runs.removeAll { $0.isEmpty }
        guard !runs.isEmpty else { return "" }
        var svg = "<g class=\"series\" fill=\"\(color)\">\n"
        for run in runs where run.count > 1 {
            let points = run.map { "\(formatCoordinate(x($0.x))),\(formatCoordinate(y($0.y)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" "
                + (series.dashed ? "stroke-dasharray=\"\(Self.dashArray)\" " : "")
                + "stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n"
        }
        let pointCount = runs.reduce(0) { $0 + $1.count }
        // Dense series are drawn as lines only, but an isolated point always gets its marker.
        for run in runs where pointCount <= Self.maximumMarkedPoints || run.count == 1 {
            for point in run {
                let tooltip = "\(series.name): \(formatCompactNumber(point.y)) at "
                    + "\(chart.xLabel.isEmpty ? "x" : chart.xLabel) \(formatCompactNumber(point.x))"
                svg += marker(style: styleIndex[index], x: x(point.x), y: y(point.y), tooltip: tooltip) + "\n"
            }
        }
        return svg + "</g>\n"
    }

    /// The marker of colour and shape `index` (a series' `styleIndex`) centred on (`x`, `y`):
    /// circle, square, triangle or diamond.
    func marker(style index: Int, x: Double, y: Double, tooltip: String?) -> String {
        let c = formatCoordinate
        let color = color(ofStyle: index)
        let content = tooltip.map { "><title>\(escapeHTMLText($0))</title>" } ?? "/>"
        let shape: String
        let closing: String
        switch index % 4 {
        case 0:
            shape = "<circle cx=\"\(c(x))\" cy=\"\(c(y))\" r=\"3.5\" fill=\"\(color)\""
            closing = "</circle>"
        case 1:
            shape = "<rect x=\"\(c(x - 3.2))\" y=\"\(c(y - 3.2))\" width=\"6.4\" height=\"6.4\" fill=\"\(color)\""
            closing = "</rect>"
        case 2:
            shape = "<polygon points=\"\(c(x)),\(c(y - 4.2)) \(c(x + 4)),\(c(y + 3)) \(c(x - 4)),\(c(y + 3))\" "
                + "fill=\"\(color)\""
            closing = "</polygon>"
        default:
            shape = "<polygon points=\"\(c(x)),\(c(y - 4.5)) \(c(x + 4.5)),\(c(y)) \(c(x)),\(c(y + 4.5)) "
                + "\(c(x - 4.5)),\(c(y))\" fill=\"\(color)\""
            closing = "</polygon>"
        }
        return shape + content + (tooltip == nil ? "" : closing)
    }
}
