import Foundation

/// Opens a page in headless Chromium (Debian's, installed by `scripts/bootstrap`) with a probe:
/// a script loaded first, which after loading writes what it measured into
/// `<pre id="probe-result">`, read back from the DOM that `--dump-dom` prints.
public enum HeadlessChromium {
    /// What one load of a page gave back.
    public struct Load: Sendable {
        /// The text of `<pre id="probe-result">`, unescaped; nil when the probe wrote none.
        public var probeResult: String?
        /// The lines of Chromium's log that report a console message.
        public var consoleLines: [String]
    }

    /// Loads `page` (a file URL) through a copy beside it with `probe` (a `<script>` element)
    /// first in its head, in a window of `windowSize` (width, height) when given.
    ///
    /// The copy is removed afterwards; Chromium's profile lives in `.chromium` beside the page.
    public static func load(_ page: URL, probe: String, windowSize: (width: Int, height: Int)? = nil) throws -> Load {
        let folder = page.deletingLastPathComponent()
        let html = try String(contentsOf: page, encoding: .utf8)
        let probed = folder.appendingPathComponent("probe-" + page.lastPathComponent)
        try html.replacingOccurrences(of: "<head>", with: "<head>\n" + probe)
            .write(to: probed, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: probed) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["60", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                             "--user-data-dir=" + folder.appendingPathComponent(".chromium").path]
            + (windowSize.map { ["--window-size=\($0.width),\($0.height)"] } ?? [])
            + ["--dump-dom", probed.absoluteString]
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
              let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            return Load(probeResult: nil, consoleLines: consoleLines)
        }
        let text = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return Load(probeResult: text, consoleLines: consoleLines)
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
