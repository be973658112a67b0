import NotebookResults

/// Sizes the line chart and the scatter plot share, so they read as one family of figures.
enum ChartStyle {
    static let width = 760.0
    static let fontSize = 12.0
    static let titleFontSize = 15.0
    static let labelFontSize = 13.0
    /// An estimate of the advance of one character at `fontSize`, for layout only.
    static let characterWidth = 7.0
    static let legendRowHeight = 20.0
    /// The gap between the axis lines and the first and last ticks, so markers at the
    /// ends of the data do not sit on an axis line (matplotlib leaves one too).
    static let axisInset = 8.0
}

/// The plot rectangle, scales and axes that the line chart and the scatter plot share:
/// the axis lines, tick marks, tick labels and axis labels, drawn in `currentColor` so
/// they follow the page's light or dark theme.
struct ChartAxes {
    var xAxis: AxisScale
    var yAxis: AxisScale
    var plotLeft: Double
    var plotRight: Double
    var plotTop: Double
    var plotBottom: Double
    var xLabel: String
    var yLabel: String
    /// Space between the frame and the first and last ticks, so markers at the ends stay clear.
    var inset: Double
    var labelFontSize: Double

    /// Where `value` lies horizontally.
    func x(_ value: Double) -> Double {
        xAxis.position(of: value, from: plotLeft + inset, to: plotRight - inset)
    }

    /// Where `value` lies vertically (larger values higher up).
    func y(_ value: Double) -> Double {
        yAxis.position(of: value, from: plotBottom - inset, to: plotTop + inset)
    }

    /// The axis lines, tick marks, tick labels and axis labels.
    func render() -> String {
        let c = formatCoordinate
        var svg = "<g class=\"axes\" stroke=\"currentColor\">\n"
        svg += "<line x1=\"\(c(plotLeft))\" y1=\"\(c(plotBottom))\" x2=\"\(c(plotRight))\" y2=\"\(c(plotBottom))\"/>\n"
        svg += "<line x1=\"\(c(plotLeft))\" y1=\"\(c(plotTop))\" x2=\"\(c(plotLeft))\" y2=\"\(c(plotBottom))\"/>\n"
        for tick in xAxis.ticks {
            svg += "<line x1=\"\(c(x(tick)))\" y1=\"\(c(plotBottom))\" x2=\"\(c(x(tick)))\" y2=\"\(c(plotBottom + 5))\"/>\n"
        }
        for tick in yAxis.ticks {
            svg += "<line x1=\"\(c(plotLeft - 5))\" y1=\"\(c(y(tick)))\" x2=\"\(c(plotLeft))\" y2=\"\(c(y(tick)))\"/>\n"
        }
        svg += "</g>\n<g class=\"tick-labels\">\n"
        for tick in xAxis.ticks {
            svg += "<text x=\"\(c(x(tick)))\" y=\"\(c(plotBottom + 19))\" text-anchor=\"middle\">"
                + "\(xAxis.label(for: tick))</text>\n"
        }
        for tick in yAxis.ticks {
            svg += "<text x=\"\(c(plotLeft - 9))\" y=\"\(c(y(tick) + 4))\" text-anchor=\"end\">"
                + "\(yAxis.label(for: tick))</text>\n"
        }
        svg += "</g>\n"
        if !xLabel.isEmpty {
            svg += "<text class=\"axis-label\" x=\"\(c((plotLeft + plotRight) / 2))\" y=\"\(c(plotBottom + 42))\" "
                + "text-anchor=\"middle\" font-size=\"\(c(labelFontSize))\">\(escapeHTMLText(xLabel))</text>\n"
        }
        if !yLabel.isEmpty {
            let middle = (plotTop + plotBottom) / 2
            svg += "<text class=\"axis-label\" x=\"16\" y=\"\(c(middle))\" transform=\"rotate(-90 16 \(c(middle)))\" "
                + "text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"\(c(labelFontSize))\">"
                + "\(escapeHTMLText(yLabel))</text>\n"
        }
        return svg
    }
}
