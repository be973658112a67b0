import Foundation
import Testing
import TestSupport

/// Opens every page of a built site in headless Chromium (Debian's, installed by
/// `scripts/bootstrap`) and checks what a reader would see: no failed request, no console
/// message, the stylesheet applied, and every figure drawn with a non-zero size.
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

    /// Loads `page` (a file in `folder`) through a probed copy beside it.
    func open(_ page: String, in folder: URL) throws -> (report: PageReport?, consoleLines: [String]) {
        let html = try String(contentsOf: folder.appendingPathComponent(page), encoding: .utf8)
        let probed = folder.appendingPathComponent("probe-" + page)
        try html.replacingOccurrences(of: "<head>", with: "<head>\n" + Self.probe)
            .write(to: probed, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: probed) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["60", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                             "--user-data-dir=" + folder.appendingPathComponent(".chromium").path,
                             "--dump-dom", probed.absoluteString]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let errorReader = Thread.detachNewThreadReading(errors)
        let dom = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let log = errorReader()
        let consoleLines = log.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        guard let start = dom.range(of: "<pre id=\"probe-result\">"),
              let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else { return (nil, consoleLines) }
        let json = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return (try JSONDecoder().decode(PageReport.self, from: Data(json.utf8)), consoleLines)
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

private extension Thread {
    /// Reads `pipe` to the end on a background thread; the closure waits for the text.
    static func detachNewThreadReading(_ pipe: Pipe) -> () -> String {
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread {
            box.data = handle.readDataToEndOfFile()
            done.signal()
        }
        return {
            done.wait()
            return String(decoding: box.data, as: UTF8.self)
        }
    }
}
