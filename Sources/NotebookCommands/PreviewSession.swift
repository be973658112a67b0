import Foundation
import Notebook
import NotebookResults
import Publishing
import Site

/// The pages `notebook preview` serves, rebuilt through the cache whenever a watched file
/// changes; a failed rebuild keeps the last good outputs under the error.
final class PreviewSession: @unchecked Sendable {
    let notebooks: [String]
    private let overrides: [String: String]
    /// `--allow-outside` folders, for the files the notebooks name.
    private let allowedOutside: [URL]
    private let threads: Int
    private let quiet: Bool
    private let cacheFor: (String) throws -> NotebookCache?
    private let datasets = DatasetLocations.fromEnvironment(ProcessInfo.processInfo.environment)

    private let lock = NSLock()
    private var pages: [String: String] = [:]
    private var entries: [PageSummary] = []
    private var lastGood: [String: RunResult] = [:]
    private var watched: [URL] = []
    /// The local images the notebooks' prose shows, site path → file and the folders it must
    /// stay in; each is read, and confined again, when it is asked for.
    private var images: [String: (file: URL, confinement: PathConfinement)] = [:]
    /// The files the pages export beside them (`vae/losses.csv`, figures), site path → bytes.
    private var exports: [String: Data] = [:]
    private(set) var version = 0

    init(notebooks: [String], overrides: [String: String], allowedOutside: [URL] = [], threads: Int, quiet: Bool,
         cacheFor: @escaping (String) throws -> NotebookCache?) {
        self.notebooks = notebooks
        self.overrides = overrides
        self.allowedOutside = allowedOutside
        self.threads = threads
        self.quiet = quiet
        self.cacheFor = cacheFor
    }

    /// The page `name` (`vae.html`, `index.html`, `style.css`) as served now.
    func page(_ name: String) -> String? {
        lock.withLock {
            switch name {
            case "", "index.html": renderIndexPage(entries, title: "Preview")
            case SiteWriter.stylesheetName: siteStylesheet
            default: pages[name]
            }
        }
    }

    /// A file the preview serves beside the pages, or why it is not served.
    enum ServedFile: Equatable {
        case bytes(Data)
        /// The file is gone (404).
        case missing(String)
        /// The file may not be served, or cannot be read (403); the reason is for the browser.
        case refused(String)
    }

    /// The local image at site path `name` (`figs/a.png`), or a file a page exports
    /// (`vae/block-2-samples.png`); nil when the pages name no such file.
    ///
    /// An image is resolved again now, through every symbolic link, and refused unless it
    /// still lies in the notebook's folder or an `--allow-outside` folder: between two
    /// rebuilds the file may have been replaced by a link to anywhere.
    func image(_ name: String) -> ServedFile? {
        if let exported = lock.withLock({ exports[name] }) { return .bytes(exported) }
        guard let image = lock.withLock({ images[name] }) else { return nil }
        let file: URL
        do {
            file = try image.confinement.resolveForReading(image.file.path)
        } catch .missing {
            return .missing("image '\(name)': no such file")
        } catch {
            return .refused("image '\(name)' is not served: \(error)")
        }
        do {
            return .bytes(try RegularFileReader.read(file.path))
        } catch {
            return .refused("image '\(name)' is not served: \(error)")
        }
    }

    var currentVersion: Int { lock.withLock { version } }

    /// The notebooks and every file they read, to poll for changes.
    var watchedFiles: [URL] { lock.withLock { notebooks.map { URL(fileURLWithPath: $0) } + watched } }

    /// Runs every notebook (through the cache) and renders its page; errors go on the page.
    func rebuild() {
        var newPages: [String: String] = [:]
        var newEntries: [PageSummary] = []
        var newWatched: [URL] = []
        var newImages: [String: (file: URL, confinement: PathConfinement)] = [:]
        var newExports: [String: Data] = [:]
        let next = currentVersion + 1
        for path in notebooks {
            let name = SitePublisher.pageName(forNotebook: path)
            var failure: String?
            do {
                let program = try NotebookPipeline.compile(path, overrides: overrides, allowedOutside: allowedOutside)
                newWatched += NotebookInputs.files(of: program, datasets: datasets)
                // A missing image is left to 'run' to report; the preview shows what exists.
                let shown = (try? SiteImages.files(for: program.document, allowedOutside: allowedOutside)) ?? [:]
                let confinement = PathConfinement(notebookFolder: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                  allowedOutside: allowedOutside)
                newImages.merge(shown.mapValues { ($0, confinement) }) { first, _ in first }
                newWatched += shown.values
                // Like a run, a rebuild writes its checkpoints only when it succeeded.
                let staging = StagingArea.temporary()
                defer { staging.discard() }
                let outputs = PendingOutputs(staging: staging)
                let result = try NotebookPipeline.execute(program, threads: threads, quiet: quiet, overrides: overrides,
                                                          command: ShellWords.join(["notebook", "preview", path]),
                                                          cache: try cacheFor(path),
                                                          outputs: outputs)
                try outputs.commit()
                lock.withLock { lastGood[path] = result }
            } catch let error as CommandFailure {
                failure = error.message
            } catch {
                failure = "error: \(error)"
            }
            if let failure, !quiet { FileHandle.standardError.write(Data((failure + "\n").utf8)) }
            let decoration = PreviewDecoration(version: next, error: failure)
            if let good = lock.withLock({ lastGood[path] }) {
                let page = renderNotebookPageWithExports(good, preview: decoration)
                newPages[name] = page.html
                newExports.merge(page.files) { first, _ in first }
                newEntries.append(SiteManifest.entry(for: good, href: name))
            } else {
                newPages[name] = renderPreviewErrorPage(notebook: path, preview: decoration)
                newEntries.append(PageSummary(title: path, href: name, summary: "This notebook has an error.", lastRun: ""))
            }
        }
        lock.withLock {
            pages = newPages
            entries = newEntries
            watched = newWatched
            images = newImages
            exports = newExports
            version = next
        }
    }
}

/// Polls files for changes by size and modification time: portable, and a save is seen
/// within one interval whatever the editor does (write in place, or write and rename).
struct FileWatch {
    private var stamps: [String: String] = [:]

    /// Whether any of `files` changed (or appeared, or vanished) since the last call.
    mutating func changed(_ files: [URL]) -> Bool {
        var now: [String: String] = [:]
        for file in files {
            let path = file.standardizedFileURL.path
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let date = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            now[path] = "\(attributes?[.size] ?? -1)|\(date)"
        }
        defer { stamps = now }
        return !stamps.isEmpty && now != stamps
    }
}
