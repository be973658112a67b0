import Foundation
import NotebookResults

/// A notebook's page with the files it exports, beside it in `site/NAME/` (NAME the page's
/// name without `.html`): every figure as `.svg`, image grids also as `.png`, the run's
/// `losses.csv` and `metrics.json`.
public struct RenderedNotebookPage: Sendable, Equatable {
    /// The page's HTML.
    public var html: String
    /// Site-relative path (`vae/block-3-loss-per-epoch.svg`) → bytes.
    public var files: [String: Data]
}

/// How the exports beside a page are made; see `FigureExportNames` for the names.
///
/// An exported SVG is the very `<svg>…</svg>` of the page, byte for byte: figures carry
/// their namespace and all their styling as attributes (colours, fonts, `currentColor`,
/// `image-rendering`), so the file looks the same opened on its own (with black text, the
/// default colour). An image grid's PNG holds only its images: the tiled bitmap the figure
/// embeds (1-pixel white gaps), each pixel enlarged `pngScale` times by nearest neighbour.
public enum PageExports {
    /// How many times an image grid's PNG enlarges the data's pixels.
    public static let pngScale = 4

    /// `vae.html` → `vae`, the folder of the page's exports.
    public static func folder(forPage pageName: String) -> String {
        pageName.hasSuffix(".html") ? String(pageName.dropLast(".html".count)) : pageName
    }
}

/// Renders a page's figures with the links to their files, collecting the files.
struct FigureExporter {
    /// The exports' folder, relative to the site (`vae`).
    let folder: String
    private var names = FigureExportNames()
    private(set) var files: [String: Data] = [:]

    init(folder: String) {
        self.folder = folder
    }

    /// An output as the page shows it; a figure gets the links "SVG · PNG" under it and its
    /// files are kept. `cell` is the `<cell>` part of its names.
    mutating func render(_ output: BlockOutput, cell: String) -> String {
        let html = renderBlockOutput(output)
        let kind: String
        let title: String
        var grid: ImageGridOutput?
        switch output {
        case .text, .table: return html
        case .lineChart(let chart): (kind, title) = ("line-chart", chart.title)
        case .scatter(let scatter): (kind, title) = ("scatter", scatter.title)
        case .barChart(let chart): (kind, title) = ("bar-chart", chart.title)
        case .imageGrid(let output):
            (kind, title) = ("image-grid", output.title)
            grid = output
        }
        // A figure without its SVG (an empty grid) has nothing to export.
        guard let start = html.range(of: "<svg "), let end = html.range(of: "</svg>", options: .backwards),
              let close = html.range(of: "</figure>", options: .backwards) else { return html }
        let name = names.name(cell: cell, figure: FigureExportNames.figure(title: title, kind: kind))
        var links: [(label: String, path: String, type: String)] = []
        let svgPath = "\(folder)/\(name).svg"
        files[svgPath] = Data(html[start.lowerBound..<end.upperBound].utf8)
        links.append(("SVG", svgPath, "image/svg+xml"))
        if let grid, let png = try? imageGridPNG(grid, scale: PageExports.pngScale) {
            let pngPath = "\(folder)/\(name).png"
            files[pngPath] = Data(png)
            links.append(("PNG", pngPath, "image/png"))
        }
        let anchors = links.map { link in
            "<a href=\"\(escapeHTMLAttribute(Self.href(link.path)))\" type=\"\(link.type)\">\(link.label)</a>"
        }
        let paragraph = "<p class=\"figure-exports\">\(anchors.joined(separator: " · "))</p>\n"
        return String(html[..<close.lowerBound]) + paragraph + String(html[close.lowerBound...])
    }

    /// A site path as a relative URL: each component percent-encoded (a notebook's name may
    /// have spaces).
    static func href(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0)
        }.joined(separator: "/")
    }
}
