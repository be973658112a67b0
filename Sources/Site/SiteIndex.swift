import Foundation

/// Finds the notebook pages already in a site folder, so running one notebook keeps
/// the others listed in `index.html`.
public enum SiteIndex {
    /// Summaries of the `*.html` pages in `folder` (other than the index and `excluded`),
    /// read back from the `<title>` and the `description` and `notebook-last-run` meta tags.
    public static func existingPages(in folder: URL, excluding excluded: Set<String>) -> [PageSummary] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.sorted().compactMap { name in
            guard name.hasSuffix(".html"), name != "index.html", !excluded.contains(name),
                  let html = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8),
                  html.contains("<meta name=\"generator\" content=\"notebook")
            else { return nil }
            return PageSummary(title: unescape(between("<title>", "</title>", in: html) ?? name),
                               href: name,
                               summary: unescape(meta("description", in: html) ?? ""),
                               lastRun: unescape(meta("notebook-last-run", in: html) ?? ""))
        }
    }

    private static func between(_ start: String, _ end: String, in html: String) -> String? {
        guard let open = html.range(of: start), let close = html.range(of: end, range: open.upperBound..<html.endIndex)
        else { return nil }
        return String(html[open.upperBound..<close.lowerBound])
    }

    private static func meta(_ name: String, in html: String) -> String? {
        between("<meta name=\"\(name)\" content=\"", "\">", in: html)
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
