import Foundation
import NotebookResults

/// Renders the page of one notebook run: its prose, every code block, and under each
/// runnable block that block's outputs, then a footer with what reproduces the run.
///
/// The head carries `generator` (`notebook <engine version>`) and `description` (the
/// document's summary) meta tags. The table of contents lists the document's headings
/// where the Markdown stage placed `Document.Segment.contents` (after the title), or
/// first; a page with fewer than two sections has none.
///
/// The page is a complete HTML5 document with no script and no external request:
/// figures are inline SVG with embedded images, and the only links are the relative
/// `stylesheetHref` and `indexHref`, and under each figure the relative links to its exported
/// files (see `renderNotebookPageWithExports`). Prose is cmark's HTML, inserted as is. Each code
/// block becomes `<pre class="code" data-language="…"><code>…</code></pre>`; a runnable
/// block with outputs is wrapped with them in `<div class="cell">` (`"cell wide"` when one of
/// its tables needs more room than the text column, see `tableNeedsWideCell`), the outputs in
/// `<div class="outputs">` right after the code. Outputs are matched to blocks by
/// `BlockResult.blockIndex == CodeBlock.index`. A block's `CodeBlock.cell` (its `#|` cell
/// options) leaves its option lines out of the code, hides the code (`echo: false`) or the
/// outputs (`output: false`), and gives the cell `div` an `id` (`label:`).
///
/// - Parameters:
///   - run: the document, its block results and the manifest.
///   - stylesheetHref: the relative URL of the site's stylesheet.
///   - indexHref: the relative URL of the site's index, linked from the header.
public func renderNotebookPage(_ run: RunResult, stylesheetHref: String = "style.css",
                               indexHref: String = "index.html", preview: PreviewDecoration? = nil) -> String {
    renderNotebookPageWithExports(run, stylesheetHref: stylesheetHref, indexHref: indexHref, preview: preview).html
}

/// The page of `renderNotebookPage` with the files it links to beside it (`PageExports`):
/// each figure shown is also a file in `NAME/` (NAME the page's name without `.html`),
/// linked from under the figure ("SVG · PNG"), and `NAME/losses.csv` (`LossesCSV`) and
/// `NAME/metrics.json` (`MetricsJSON`) hold the run's numbers. Figures the page hides
/// (`#| output: false`) are not exported.
public func renderNotebookPageWithExports(_ run: RunResult, stylesheetHref: String = "style.css",
                                          indexHref: String = "index.html",
                                          preview: PreviewDecoration? = nil) -> RenderedNotebookPage {
    let document = run.document
    let title = notebookTitle(document)
    var outputsByBlock: [Int: [BlockOutput]] = [:]
    for result in run.results { outputsByBlock[result.blockIndex, default: []] += result.outputs }
    let folder = PageExports.folder(forPage: SitePublisher.pageName(forNotebook: document.path))
    var exporter = FigureExporter(folder: folder)
    // A block's number among the runnable blocks, from 1: the `block-N` of its figures' names.
    var runnableOrdinal: [Int: Int] = [:]
    for (ordinal, block) in document.runnableBlocks.enumerated() { runnableOrdinal[block.index] = ordinal + 1 }

    let contents = renderContents(document.headings)
    var body = document.segments.contains(.contents) ? "" : contents
    for segment in document.segments {
        switch segment {
        case .html(let html):
            body += html
            if !html.hasSuffix("\n") { body += "\n" }
        case .contents:
            body += contents
        case .code(let block):
            // Cell options (`#| echo: false`, …) as the Language stage settled them.
            let cell = block.isRunnable ? block.cell ?? .default : .default
            let code = cell.echo ? renderCodeBlock(block, leavingOutLines: cell.optionLineCount) : nil
            let outputs = block.isRunnable && cell.output ? outputsByBlock[block.index] ?? [] : []
            let id = cell.label.map { " id=\"\(escapeHTMLAttribute($0))\"" } ?? ""
            if outputs.isEmpty, id.isEmpty {
                if let code { body += code + "\n" }
            } else {
                // A table too wide for the text column widens its whole cell, code and outputs alike.
                let wide = outputs.contains { output in
                    guard case .table(let table) = output else { return false }
                    return tableNeedsWideCell(table)
                }
                body += "<div class=\"cell\(wide ? " wide" : "")\"\(id)>\n"
                if let code { body += code + "\n" }
                if !outputs.isEmpty {
                    body += "<div class=\"outputs\">\n"
                    let cellName = FigureExportNames.cell(label: cell.label, ordinal: runnableOrdinal[block.index] ?? 0)
                    body += outputs.map { exporter.render($0, cell: cellName) }.joined(separator: "\n")
                    body += "\n</div>\n"
                }
                body += "</div>\n"
            }
        }
    }

    var files = exporter.files
    files["\(folder)/\(LossesCSV.fileName)"] = Data(LossesCSV.text(of: run).utf8)
    files["\(folder)/\(MetricsJSON.fileName)"] = MetricsJSON.data(of: run)
    let html = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="generator" content="notebook \(escapeHTMLAttribute(run.manifest.engineVersion))">
    <meta name="description" content="\(escapeHTMLAttribute(SiteManifest.entry(for: run, href: "").summary))">
    <title>\(escapeHTMLText(title))</title>
    <link rel="stylesheet" href="\(escapeHTMLAttribute(stylesheetHref))">
    </head>
    <body>
    <header class="site-header">
    <nav><a href="\(escapeHTMLAttribute(indexHref))">← All notebooks</a></nav>
    </header>
    <main>
    \(preview?.errorBanner ?? "")<article class="notebook">
    \(body)</article>
    </main>
    \(renderManifestFooter(run.manifest, results: run.results))
    \(preview?.reloadScript ?? "")</body>
    </html>

    """
    return RenderedNotebookPage(html: html, files: files)
}

/// The title of a notebook's page: its first level-1 heading, else its file name.
///
/// At most `titleLimit` characters, cut at a word with `…`: the index, `site.json` and the
/// window title hold a title, not a whole (50 MB) heading; the page itself shows it whole.
public func notebookTitle(_ document: Document) -> String {
    if let title = document.title?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty {
        return truncatedAtWord(title, limit: titleLimit)
    }
    let name = URL(fileURLWithPath: document.path).lastPathComponent
    return name.isEmpty ? "Notebook" : name
}

/// The most characters of a title the index, `site.json` and `<title>` show.
public let titleLimit = 200

/// One code block as `<pre class="code">`, its language in `data-language`, without its
/// first `leavingOutLines` lines (its `#|` cell options); nil when nothing is left of a block
/// that had options.
private func renderCodeBlock(_ block: CodeBlock, leavingOutLines optionLines: Int = 0) -> String? {
    let language = block.language.isEmpty ? "" : " data-language=\"\(escapeHTMLAttribute(block.language))\""
    var source = Substring(block.source)
    if optionLines > 0 {
        source = source.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(optionLines)
            .joined(separator: "\n")[...]
        if source.allSatisfy(\.isWhitespace) { return nil }
    }
    while source.last == "\n" { source.removeLast() }
    return "<pre class=\"code\"\(language)><code>\(escapeHTMLText(String(source)))</code></pre>"
}

/// The footer listing what reproduces the run: seed, parameters, engine, machine, BLAS,
/// the checksums of every file read, time and command.
///
/// Rows whose facts a manifest does not have (no parameters, no checkpoint loaded, an
/// older record without the CPU) are left out rather than shown empty.
private func renderManifestFooter(_ manifest: RunManifest, results: [BlockResult]) -> String {
    var rows: [(String, String)] = [("Seed", "<code>\(manifest.seed)</code>")]
    if !manifest.parameters.isEmpty {
        // An overridden value is marked, so the page says it is not the notebook's own.
        let overridden = Set(manifest.overrides.map(\.name))
        let items = manifest.parameters.map { parameter in
            "<li><code>\(escapeHTMLText(parameter.name)) = \(escapeHTMLText(parameter.value))</code>"
                + (overridden.contains(parameter.name) ? " (set with <code>-p</code>)" : "") + "</li>"
        }
        rows.append(("Parameters", "<ul class=\"parameters\">\n\(items.joined(separator: "\n"))\n</ul>"))
    }
    rows.append(("Engine", escapeHTMLText(manifest.engineVersion)))
    // OpenBLAS picks its kernels for the CPU when it loads; with the architecture they
    // decide which bits a run gives, as much as the thread count does.
    let cpu = [manifest.cpuArchitecture, manifest.blasCore.isEmpty ? "" : "OpenBLAS kernels for \(manifest.blasCore)"]
        .filter { !$0.isEmpty }
    if !cpu.isEmpty { rows.append(("CPU", escapeHTMLText(cpu.joined(separator: ", ")))) }
    rows.append(("BLAS", "\(escapeHTMLText(manifest.blasConfiguration)), \(manifest.blasThreads) "
        + "\(manifest.blasThreads == 1 ? "thread" : "threads")"))
    if !manifest.datasetChecksums.isEmpty {
        rows.append(("Datasets (SHA-256)", renderChecksums(manifest.datasetChecksums)))
    }
    if !manifest.inputChecksums.isEmpty {
        rows.append(("Checkpoints loaded (SHA-256)", renderChecksums(manifest.inputChecksums)))
    }
    // A reproducible build (SOURCE_DATE_EPOCH) leaves the run time out: it differs every run.
    if manifest.seconds >= 0 { rows.append(("Run time", escapeHTMLText(formatDuration(manifest.seconds)))) }
    let cached = results.enumerated().compactMap { ordinal, result in
        result.computedAt.map { "<li>block \(ordinal + 1), computed \(escapeHTMLText($0))</li>" }
    }
    if !cached.isEmpty {
        let summary = cached.count == results.count ? "every block" : "\(cached.count) of \(results.count) blocks"
        rows.append(("From the cache", "\(summary)\n<ul class=\"cached-blocks\">\n\(cached.joined(separator: "\n"))\n</ul>"))
    }
    rows.append(("Finished", escapeHTMLText(manifest.finishedAt)))
    rows.append(("Reproduce", "<code class=\"command\">\(escapeHTMLText(manifest.command))</code>"))
    let list = rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined(separator: "\n")
    return """
    <footer class="run-manifest">
    <h2>Reproducibility</h2>
    <dl>
    \(list)
    </dl>
    </footer>
    """
}

/// File name → SHA-256 as a list sorted by name.
private func renderChecksums(_ checksums: [String: String]) -> String {
    let items = checksums.sorted { $0.key < $1.key }.map { name, checksum in
        "<li><code>\(escapeHTMLText(name))</code> <code class=\"checksum\">\(escapeHTMLText(checksum))</code></li>"
    }
    return "<ul class=\"checksums\">\n\(items.joined(separator: "\n"))\n</ul>"
}

/// A run time for people: `0.42 s`, `12.3 s`, `2 min 05 s`, `1 h 02 min`.
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "unknown" }
    if seconds < 60 { return formatCompactNumber(seconds < 10 ? (seconds * 100).rounded() / 100
                                                                : (seconds * 10).rounded() / 10) + " s" }
    let whole = Int(seconds.rounded())
    if whole < 3600 { return "\(whole / 60) min " + String(format: "%02d", whole % 60) + " s" }
    return "\(whole / 3600) h " + String(format: "%02d", (whole % 3600) / 60) + " min"
}

/// The headings as a `<nav>` of links to their anchors, or nothing for a page with
/// fewer than two sections.
private func renderContents(_ headings: [Heading]) -> String {
    guard headings.count >= 2 else { return "" }
    var html = "<nav class=\"toc\" aria-label=\"Contents\">\n<p class=\"toc-title\">Contents</p>\n<ol>\n"
    for heading in headings {
        let level = heading.level == 3 ? " class=\"toc-sub\"" : ""
        html += "<li\(level)><a href=\"#\(escapeHTMLAttribute(heading.anchor))\">\(escapeHTMLText(heading.text))</a></li>\n"
    }
    return html + "</ol>\n</nav>\n"
}
