import Foundation
import NotebookResults

/// Draws an `ImageGridOutput` as one inline SVG in a `<figure>` with a caption.
///
/// All images are tiled into a single grey-scale PNG (a 1-pixel white gap between
/// tiles), embedded as a `data:` URI and scaled up by a whole factor (3x, 2x or 1x,
/// the largest that fits the page column) with `image-rendering: pixelated`, so
/// every source pixel stays a crisp square. Intensities are drawn as given: 0 is
/// black, 1 is white; values are clamped to `0...1` and NaN is drawn black. Row
/// labels, when present, are SVG text to the left of their row. A 5x5 grid of
/// 28x28 images takes about 15 KB of markup.
public func renderImageGridFigure(_ grid: ImageGridOutput) -> String {
    let title = grid.title.isEmpty ? "Image grid" : grid.title
    var caption = grid.title.isEmpty ? "" : "<span class=\"figure-title\">\(escapeHTMLText(grid.title))</span>"
    if !grid.caption.isEmpty { caption += (caption.isEmpty ? "" : " ") + escapeHTMLText(grid.caption) }
    let figcaption = caption.isEmpty ? "" : "\n<figcaption>\(caption)</figcaption>"

    guard grid.rows > 0, grid.columns > 0, grid.imageWidth > 0, grid.imageHeight > 0 else {
        return "<figure class=\"figure image-grid\">\n<p class=\"figure-empty\">\(escapeHTMLText(title)): no images</p>"
            + "\(figcaption)\n</figure>"
    }
    let tiled = ImageGridTiling(grid)
    let png: [UInt8]
    do {
        png = try PNGEncoder.encodeGrayscale(width: tiled.width, height: tiled.height, pixels: tiled.pixels)
    } catch {
        return "<figure class=\"figure image-grid\">\n<p class=\"figure-empty\">\(escapeHTMLText(title)): "
            + "\(escapeHTMLText(String(describing: error)))</p>\(figcaption)\n</figure>"
    }

    let labels = Array(grid.rowLabels.prefix(grid.rows))
    let labelWidth = labels.contains { !$0.isEmpty }
        ? Double(labels.map(\.count).max() ?? 0) * ImageGridTiling.characterWidth + 12
        : 0
    let axes = grid.axes.map { ManifoldAxes($0, rows: grid.rows, columns: grid.columns) }
    // From the left: the y axis label, the row labels, the y tick labels, the images.
    let rowLabelRight = (axes?.yLabelWidth ?? 0) + labelWidth
    let imageLeft = rowLabelRight + (axes?.yTickWidth ?? 0)
    let scale = ImageGridTiling.scale(forWidth: tiled.width, besides: imageLeft + (axes?.rightPadding ?? 0))
    let imageWidth = Double(tiled.width * scale)
    let imageHeight = Double(tiled.height * scale)
    let width = imageLeft + imageWidth + (axes?.rightPadding ?? 0)
    let height = imageHeight + (axes?.bottomHeight ?? 0)
    let c = formatCoordinate

    var description = "\(title): \(grid.rows) \(grid.rows == 1 ? "row" : "rows") of \(grid.columns) "
        + "grey-scale \(grid.imageWidth)x\(grid.imageHeight) images"
    if !labels.isEmpty { description += " (rows: \(labels.joined(separator: ", ")))" }
    if let axes = grid.axes {
        description += ". Latent \(axes.xLabel.isEmpty ? "x" : axes.xLabel) from \(formatCompactNumber(axes.xRange.lowerBound)) "
            + "to \(formatCompactNumber(axes.xRange.upperBound)) left to right, "
            + "\(axes.yLabel.isEmpty ? "y" : axes.yLabel) from \(formatCompactNumber(axes.yRange.upperBound)) "
            + "to \(formatCompactNumber(axes.yRange.lowerBound)) top to bottom"
    }
    if !grid.caption.isEmpty { description += ". \(grid.caption)" }

    var svg = """
    <svg xmlns="http://www.w3.org/2000/svg" class="image-grid" viewBox="0 0 \(c(width)) \(c(height))" width="\(c(width))" height="\(c(height))" \
    role="img" aria-label="\(escapeHTMLAttribute(description))" font-family="system-ui, sans-serif" font-size="12" \
    fill="currentColor">
    <title>\(escapeHTMLText(title))</title>
    <image x="\(c(imageLeft))" y="0" width="\(c(imageWidth))" height="\(c(imageHeight))" \
    preserveAspectRatio="none" style="image-rendering:pixelated" href="\(PNGEncoder.dataURI(png: png))"/>

    """
    for (row, label) in labels.enumerated() where !label.isEmpty {
        let middle = Double(row * (grid.imageHeight + ImageGridTiling.gap) * scale) + Double(grid.imageHeight * scale) / 2
        svg += "<text x=\"\(c(rowLabelRight - 8))\" y=\"\(c(middle))\" text-anchor=\"end\" dominant-baseline=\"central\">"
            + "\(escapeHTMLText(label))</text>\n"
    }
    if let axes {
        let tileWidth = Double(grid.imageWidth * scale)
        let tileHeight = Double(grid.imageHeight * scale)
        let pitchX = Double((grid.imageWidth + ImageGridTiling.gap) * scale)
        let pitchY = Double((grid.imageHeight + ImageGridTiling.gap) * scale)
        var marks = ""
        var texts = ""
        for tick in axes.xTicks {
            let center = imageLeft + Double(tick.index) * pitchX + tileWidth / 2
            marks += "<line x1=\"\(c(center))\" y1=\"\(c(imageHeight))\" x2=\"\(c(center))\" y2=\"\(c(imageHeight + 5))\"/>\n"
            texts += "<text x=\"\(c(center))\" y=\"\(c(imageHeight + 18))\" text-anchor=\"middle\">\(tick.text)</text>\n"
        }
        for tick in axes.yTicks {
            let middle = Double(tick.index) * pitchY + tileHeight / 2
            marks += "<line x1=\"\(c(imageLeft - 5))\" y1=\"\(c(middle))\" x2=\"\(c(imageLeft))\" y2=\"\(c(middle))\"/>\n"
            texts += "<text x=\"\(c(imageLeft - 8))\" y=\"\(c(middle))\" text-anchor=\"end\" "
                + "dominant-baseline=\"central\">\(tick.text)</text>\n"
        }
        svg += "<g class=\"axes\" stroke=\"currentColor\">\n\(marks)</g>\n<g class=\"tick-labels\">\n\(texts)</g>\n"
        if !axes.xLabel.isEmpty {
            svg += "<text class=\"axis-label\" x=\"\(c(imageLeft + imageWidth / 2))\" y=\"\(c(imageHeight + 38))\" "
                + "text-anchor=\"middle\" font-size=\"13\">\(escapeHTMLText(axes.xLabel))</text>\n"
        }
        if !axes.yLabel.isEmpty {
            let middle = imageHeight / 2
            svg += "<text class=\"axis-label\" x=\"12\" y=\"\(c(middle))\" transform=\"rotate(-90 12 \(c(middle)))\" "
                + "text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"13\">\(escapeHTMLText(axes.yLabel))</text>\n"
        }
    }
    svg += "</svg>"
    return "<figure class=\"figure image-grid\">\n\(svg)\(figcaption)\n</figure>"
}

/// The images of `grid` as a PNG file for the page's exports: the bitmap the figure embeds
/// (tiles with 1-pixel white gaps), every pixel enlarged to a `scale` × `scale` square by
/// nearest neighbour, so it stays as crisp as the data; nil for a grid without images.
func imageGridPNG(_ grid: ImageGridOutput, scale: Int) throws -> [UInt8]? {
    guard grid.rows > 0, grid.columns > 0, grid.imageWidth > 0, grid.imageHeight > 0, scale > 0 else { return nil }
    let tiled = ImageGridTiling(grid)
    let width = tiled.width * scale
    var pixels = [UInt8](repeating: 0, count: width * tiled.height * scale)
    for y in 0..<tiled.height {
        var row = [UInt8](repeating: 0, count: width)
        for x in 0..<tiled.width {
            let value = tiled.pixels[y * tiled.width + x]
            for copy in 0..<scale { row[x * scale + copy] = value }
        }
        for copy in 0..<scale {
            let start = (y * scale + copy) * width
            pixels.replaceSubrange(start..<start + width, with: row)
        }
    }
    return try PNGEncoder.encodeGrayscale(width: width, height: tiled.height * scale, pixels: pixels)
}

/// The latent-space ticks of a manifold grid: values under the first, middle and last
/// columns and beside the first, middle and last rows, and the room they take.
private struct ManifoldAxes {
    let xLabel: String
    let yLabel: String
    let xTicks: [(index: Int, text: String)]
    let yTicks: [(index: Int, text: String)]
    let yLabelWidth: Double
    let yTickWidth: Double
    let bottomHeight: Double
    /// Room right of the images for half of the last x tick label, centred under its column.
    let rightPadding: Double

    init(_ axes: GridAxes, rows: Int, columns: Int) {
        xLabel = axes.xLabel
        yLabel = axes.yLabel
        // Columns run from the lower bound left to the upper bound right; rows from the
        // upper bound at the top to the lower bound at the bottom.
        xTicks = Self.ticks(count: columns, from: axes.xRange.lowerBound, to: axes.xRange.upperBound)
        yTicks = Self.ticks(count: rows, from: axes.yRange.upperBound, to: axes.yRange.lowerBound)
        yLabelWidth = axes.yLabel.isEmpty ? 0 : 24
        yTickWidth = Double(yTicks.map(\.text.count).max() ?? 0) * ImageGridTiling.characterWidth + 12
        bottomHeight = axes.xLabel.isEmpty ? 26 : 46
        rightPadding = Double(xTicks.last?.text.count ?? 0) * ImageGridTiling.characterWidth / 2
    }

    /// The first, middle and last of `count` evenly spaced values from `start` to `end`
    /// (a single one lies in the middle), as short text. An even count has no middle
    /// tile, so it gets no middle tick rather than an odd value such as 0.1818.
    static func ticks(count: Int, from start: Double, to end: Double) -> [(index: Int, text: String)] {
        var indices: [Int] = []
        let candidates = count % 2 == 1 ? [0, (count - 1) / 2, count - 1] : [0, count - 1]
        for index in candidates where index >= 0 && !indices.contains(index) {
            indices.append(index)
        }
        let span = end - start
        return indices.map { index in
            let fraction = count > 1 ? Double(index) / Double(count - 1) : 0.5
            var value = start + span * fraction
            // No "-1e-17" for a middle that should be zero.
            if abs(value) <= abs(span) * 1e-9 { value = 0 }
            return (index, formatCompactNumber(value))
        }
    }
}

/// The images of a grid laid out in one grey-scale bitmap, with gaps between tiles.
private struct ImageGridTiling {
    /// Pixels between neighbouring tiles, before scaling.
    static let gap = 1
    /// The intensity of the gaps and of tiles with no image: white.
    static let background: UInt8 = 255
    /// The widest the figure may be drawn before scaling down (the page column).
    static let maximumWidth = 820.0
    /// An estimate of one character's advance at 12 px, for laying out labels.
    static let characterWidth = 7.0

    let width: Int
    let height: Int
    let pixels: [UInt8]

    init(_ grid: ImageGridOutput) {
        width = grid.columns * grid.imageWidth + (grid.columns - 1) * Self.gap
        height = grid.rows * grid.imageHeight + (grid.rows - 1) * Self.gap
        var pixels = [UInt8](repeating: Self.background, count: width * height)
        for (index, image) in grid.images.prefix(grid.rows * grid.columns).enumerated() {
            let left = (index % grid.columns) * (grid.imageWidth + Self.gap)
            let top = (index / grid.columns) * (grid.imageHeight + Self.gap)
            for y in 0..<grid.imageHeight {
                for x in 0..<grid.imageWidth {
                    let source = y * grid.imageWidth + x
                    let value = source < image.count ? image[source] : 0
                    pixels[(top + y) * width + left + x] = Self.intensity(value)
                }
            }
        }
        self.pixels = pixels
    }

    /// A value in `0...1` as a byte: clamped, NaN as 0, rounded to the nearest level.
    static func intensity(_ value: Float) -> UInt8 {
        guard !value.isNaN else { return 0 }
        return UInt8((min(max(value, 0), 1) * 255).rounded())
    }

    /// The largest whole scale, at most 3, at which a bitmap `width` pixels wide fits
    /// beside `labelWidth` in the page column; 1 when even that does not fit.
    static func scale(forWidth width: Int, besides labelWidth: Double) -> Int {
        for scale in stride(from: 3, through: 2, by: -1) where labelWidth + Double(width * scale) <= maximumWidth {
            return scale
        }
        return 1
    }
}
