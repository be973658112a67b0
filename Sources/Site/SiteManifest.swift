import Foundation
import NotebookResults

/// `site.json`: the pages a site folder holds, written by the site itself with every
/// publish, so the index of a folder is rebuilt from data rather than from old pages.
///
/// Running one notebook into a site keeps the other notebooks listed: their entries are
/// carried over from the manifest the previous publish wrote. An entry whose page file
/// has since been deleted is dropped.
public struct SiteManifest: Sendable, Equatable, Codable {
    /// The manifest's own format; a newer one is refused rather than misread.
    public var format: Int
    /// One entry per notebook page, sorted by `href`.
    public var pages: [PageSummary]

    public static let currentFormat = 1
    public static let fileName = "site.json"

    public init(pages: [PageSummary]) {
        format = Self.currentFormat
        self.pages = pages.sorted { $0.href < $1.href }
    }

    /// The entry of a run's page: its title, its summary cut to about 200 characters at a
    /// word (with `…`), and its finish time.
    public static func entry(for run: RunResult, href: String) -> PageSummary {
        PageSummary(title: notebookTitle(run.document), href: href,
                    summary: run.document.summary.map { truncatedAtWord($0, limit: 200) } ?? "",
                    lastRun: run.manifest.finishedAt)
    }

    /// The manifest of `folder` as its last publish wrote it; empty when there is none yet.
    ///
    /// - Throws: `SiteError.unreadableManifest` when the file exists but is not a manifest
    ///   of a known format.
    public static func read(from folder: URL) throws -> SiteManifest {
        let url = folder.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return SiteManifest(pages: []) }
        let manifest: SiteManifest
        do {
            manifest = try JSONDecoder().decode(SiteManifest.self, from: data)
        } catch {
            throw SiteError.unreadableManifest(path: url.path, reason: "it is not a site manifest")
        }
        guard manifest.format == currentFormat else {
            throw SiteError.unreadableManifest(path: url.path,
                                               reason: "it has format \(manifest.format); this notebook reads \(currentFormat)")
        }
        let existing = manifest.pages.filter { page in
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(page.href).path)
        }
        return SiteManifest(pages: existing)
    }

    /// This manifest with `entries` added, replacing entries of the same page.
    public func updating(with entries: [PageSummary]) -> SiteManifest {
        let replaced = Set(entries.map(\.href))
        return SiteManifest(pages: pages.filter { !replaced.contains($0.href) } + entries)
    }

    /// Sorted keys and indentation, so two publishes of the same pages write the same bytes.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// `text` cut to at most `limit` characters at a word boundary, with `…` when cut.
func truncatedAtWord(_ text: String, limit: Int) -> String {
    guard text.count > limit else { return text }
    let head = text.prefix(limit)
    let cut = head.lastIndex(of: " ").map { head[..<$0] } ?? head
    var shortened = String(cut)
    while let last = shortened.last, ",;:.-".contains(last) { shortened.removeLast() }
    return shortened + "…"
}
