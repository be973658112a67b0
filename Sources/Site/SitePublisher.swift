import Foundation
import SystemErrors
import NotebookResults
import Publishing

/// Publishes runs into a site folder: one page per run, the index and `site.json`,
/// written together by `SiteWriter`, as one unit.
///
/// The site's lock is held from reading `site.json` to swapping the new site in, so two
/// runs into one folder take turns and the second one's index lists the first one's page.
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
    /// relative paths, see `SiteImages`) and the files each page exports beside it
    /// (`renderNotebookPageWithExports`: figures, `losses.csv`, `metrics.json` in `NAME/`),
    /// and the index of every page the folder's
    /// manifest lists with these added; returns the page files written, in name order.
    ///
    /// `holder` is what a run waiting for the lock is told (`notebook vae.md`), `waiting` is
    /// called once when this one waits; `beforeSwap` runs when the new site is complete, just
    /// before it replaces the old one (a run commits its checkpoints and record there).
    ///
    /// - Throws: `ImageReferenceErrors` (every missing image of every run) before anything
    ///   is written, or `SiteError`; the folder's previous files are then unchanged.
    @discardableResult
    public static func publish(_ runs: [RunResult], to folder: URL, allowedOutside: [URL] = [],
                               holder: String = "pid \(ProcessInfo.processInfo.processIdentifier)",
                               waiting: (String) -> Void = { _ in }, operations: FileOperations = .system,
                               beforeSwap: () throws -> Void = {}) throws -> [URL] {
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
            let page = renderNotebookPageWithExports(run)
            pages[name] = page.html
            // The exports beside the page (`NAME/…`): an image of the prose at one of their
            // paths would be silently replaced, so it is refused.
            for (path, bytes) in page.files.sorted(by: { $0.key < $1.key }) {
                if images[path] != nil {
                    throw SiteError.cannotWrite(path: folder.appendingPathComponent(path).path,
                                                reason: "the notebook's image '\(path)' has the path of a file exported "
                                                    + "beside \(name); move the image to another folder")
                }
                assets[path] = bytes
            }
            entries.append(SiteManifest.entry(for: run, href: name))
        }
        let lock = try SiteWriter.lock(folder, holder: holder, waiting: waiting)
        defer { lock.release() }
        // Read under the lock: a run that published meanwhile is in it.
        let manifest = try SiteManifest.read(from: folder).updating(with: entries)
        pages["index.html"] = renderIndexPage(manifest.pages)
        pages[SiteManifest.fileName] = manifest.encoded()
        try SiteWriter(outputDirectory: folder, operations: operations)
            .writeHoldingLock(pages: pages, assets: assets, beforeSwap: beforeSwap)
        return pages.keys.filter { $0.hasSuffix(".html") && $0 != "index.html" }.sorted()
            .map { folder.appendingPathComponent($0) }
    }
}
