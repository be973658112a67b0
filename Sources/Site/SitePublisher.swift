import Foundation
import NotebookResults

/// Publishes runs into a site folder: one page per run, the index and `site.json`,
/// written together by `SiteWriter`.
public enum SitePublisher {
    /// `notebooks/vae.md` → `vae.html`; `index.md` → `index-notebook.html`.
    ///
    /// `index.html` is the site's index, so a notebook named `index` gets `-notebook` added,
    /// and so does one already named `index-notebook` (→ `index-notebook-notebook.html`), and
    /// so on: no two notebook names give one page name, and none gives `index.html`. (The
    /// site's other files, `style.css` and `site.json`, do not end in `.html`.) Compared
    /// without case, for file systems that ignore it.
    public static func pageName(forNotebook path: String) -> String {
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var rest = Substring(stem.lowercased())
        guard rest.hasPrefix("index") else { return stem + ".html" }
        rest = rest.dropFirst("index".count)
        while rest.hasPrefix("-notebook") { rest = rest.dropFirst("-notebook".count) }
        return stem + (rest.isEmpty ? "-notebook" : "") + ".html"
    }

    /// Writes the runs' pages with the local images their prose shows (at the same
    /// relative paths, see `SiteImages`), and the index of every page the folder's
    /// manifest lists with these added; returns the page files written, in name order.
    ///
    /// - Throws: `ImageReferenceErrors` (every missing image of every run) before anything
    ///   is written, or `SiteError`; the folder's previous files are then unchanged.
    @discardableResult
    public static func publish(_ runs: [RunResult], to folder: URL, allowedOutside: [URL] = []) throws -> [URL] {
        var pages: [String: String] = [:]
        var entries: [PageSummary] = []
        var images: [String: URL] = [:]
        var imageErrors: [ImageReferenceError] = []
        for run in runs {
            do {
                images.merge(try SiteImages.files(for: run.document, allowedOutside: allowedOutside)) { first, _ in first }
            } catch {
                imageErrors += error.errors
            }
        }
        guard imageErrors.isEmpty else { throw ImageReferenceErrors(errors: imageErrors) }
        var assets: [String: Data] = [:]
        for (path, file) in images {
            do {
                assets[path] = try Data(contentsOf: file)
            } catch {
                throw SiteError.cannotWrite(path: folder.appendingPathComponent(path).path,
                                            reason: "cannot read \(file.path): \(SystemErrorReason.reason(for: error))")
            }
        }
        for run in runs {
            let name = pageName(forNotebook: run.document.path)
            pages[name] = renderNotebookPage(run)
            entries.append(SiteManifest.entry(for: run, href: name))
        }
        let manifest = try SiteManifest.read(from: folder).updating(with: entries)
        pages["index.html"] = renderIndexPage(manifest.pages)
        pages[SiteManifest.fileName] = manifest.encoded()
        try SiteWriter(outputDirectory: folder).write(pages: pages, assets: assets)
        return pages.keys.filter { $0.hasSuffix(".html") && $0 != "index.html" }.sorted()
            .map { folder.appendingPathComponent($0) }
    }
}
