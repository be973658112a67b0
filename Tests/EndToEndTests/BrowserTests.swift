import Foundation
import HeadlessBrowser
import Testing
import TestSupport

/// Opens every page of a built site in headless Chromium (`HeadlessChromium`) and checks what
/// a reader would see: no failed request, no console message, the stylesheet applied, and every
/// figure drawn with a non-zero size.
@Suite(.serialized) struct BrowserTests {
    /// Loaded first in a copy of each page: records failed loads and script errors, and after
    /// loading writes what it found into the DOM, which Chromium's `--dump-dom` prints.
    static let probe = """
        <script>
        window.__problems = [];
        window.addEventListener('error', function (e) {
          var t = e.target;
          window.__problems.push(t && t !== window ? 'failed to load ' + (t.src || t.href || t.tagName) : 'error: ' + e.message);
        }, true);
        ['error', 'warn'].forEach(function (level) {
          var original = console[level];
          console[level] = function () { window.__problems.push('console.' + level + ': ' + Array.from(arguments).join(' ')); original.apply(console, arguments); };
        });
        window.addEventListener('load', function () {
          var sizes = [];
          document.querySelectorAll('svg').forEach(function (f) {
            var r = f.getBoundingClientRect();
            sizes.push([Math.round(r.width), Math.round(r.height)]);
          });
          var out = document.createElement('pre');
          out.id = 'probe-result';
          // cssRules of a file:// sheet are off limits to scripts; a computed style shows it applied.
          out.textContent = JSON.stringify({problems: window.__problems, figures: sizes, stylesheets: document.styleSheets.length,
                                            bodyMaxWidth: getComputedStyle(document.body).maxWidth});
          document.body.appendChild(out);
        });
        </script>
        """

    struct PageReport: Decodable {
        var problems: [String]
        var figures: [[Int]]
        var stylesheets: Int
        var bodyMaxWidth: String
    }

    /// Loads `page` (a file in `folder`) with the probe.
    func open(_ page: String, in folder: URL) throws -> (report: PageReport?, consoleLines: [String]) {
        let load = try HeadlessChromium.load(folder.appendingPathComponent(page), probe: Self.probe)
        let report = try load.probeResult.map { try JSONDecoder().decode(PageReport.self, from: Data($0.utf8)) }
        return (report, load.consoleLines)
    }

    @Test func everyPageOfABuiltSiteLoadsCleanlyWithVisibleFigures() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try RunCommandTests.tinyNotebook.write(to: folder.appendingPathComponent("tiny.md"), atomically: true, encoding: .utf8)
        let run = try NotebookBinary.run(["run", "tiny.md", "--output", "site", "--quiet"], in: folder)
        #expect(run.status == 0, "stderr: \(run.standardError)")

        let site = folder.appendingPathComponent("site")
        let pages = try FileManager.default.contentsOfDirectory(atPath: site.path).filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages == ["index.html", "tiny.html"])
        for page in pages {
            let (report, consoleLines) = try open(page, in: site)
            guard let report else {
                Issue.record("\(page): Chromium produced no report")
                continue
            }
            #expect(report.problems.isEmpty, "\(page): \(report.problems)")
            #expect(consoleLines.isEmpty, "\(page): \(consoleLines)")
            #expect(report.stylesheets == 1 && report.bodyMaxWidth == "860px", "\(page): stylesheet not applied")
            #expect(report.figures.allSatisfy { $0.count == 2 && $0[0] > 0 && $0[1] > 0 }, "\(page): \(report.figures)")
            if page == "tiny.html" { #expect(report.figures.count == 4) }
        }
    }
}
