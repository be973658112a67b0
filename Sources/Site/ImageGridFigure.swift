import Foundation
import Notebook

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
    let scale = ImageGridTiling.scale(forWidth: tiled.width, besides: labelWidth)
    let imageWidth = Double(tiled.width * scale)
    let imageHeight = Double(tiled.height * scale)
    let width = labelWidth + imageWidth
    let c = formatCoordinate

    var description = "\(title): \(grid.rows) \(grid.rows == 1 ? "row" : "rows") of \(grid.columns) "
        + "grey-scale \(grid.imageWidth)x\(grid.imageHeight) images"
    if !labels.isEmpty { description += " (rows: \(labels.joined(separator: ", ")))" }
    if !grid.caption.isEmpty { description += ". \(grid.caption)" }

    var svg = """
    <svg class="image-grid" viewBox="0 0 \(c(width)) \(c(imageHeight))" width="\(c(width))" height="\(c(imageHeight))" \
    role="img" aria-label="\(escapeHTMLAttribute(description))" font-family="system-ui, sans-serif" font-size="12" \
    fill="currentColor">
    <title>\(escapeHTMLText(title))</title>
    <image x="\(c(labelWidth))" y="0" width="\(c(imageWidth))" height="\(c(imageHeight))" \
    preserveAspectRatio="none" style="image-rendering:pixelated" href="\(PNGEncoder.dataURI(png: png))"/>

    """
    for (row, label) in labels.enumerated() where !label.isEmpty {
        let middle = Double(row * (grid.imageHeight + ImageGridTiling.gap) * scale) + Double(grid.imageHeight * scale) / 2
        svg += "<text x=\"\(c(labelWidth - 8))\" y=\"\(c(middle))\" text-anchor=\"end\" dominant-baseline=\"central\">"
            + "\(escapeHTMLText(label))</text>\n"
    }
    svg += "</svg>"
    return "<figure class=\"figure image-grid\">\n\(svg)\(figcaption)\n</figure>"
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
