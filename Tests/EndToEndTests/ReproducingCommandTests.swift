import Foundation
import Testing
import TestSupport

/// The "Reproduce" command of a page, pasted into a shell, runs that notebook with those
/// values again, and nothing else, whatever characters the paths and values hold.
@Suite struct ReproducingCommandTests {
    static let notebook = """
        # Awkward names

        ```swift-vae
        param note = "plain"
        seed 3
        data fashion-mnist train=100 test=50
        model mlp encoder=[8] latent=2 decoder=[8]
        train epochs=1 batch=50
        table losses
        ```
        """

    /// The text of the page's `<code class="command">`, with the page's escapes undone.
    static func reproducingCommand(in page: String) -> String? {
        guard let start = page.range(of: "<code class=\"command\">"),
              let end = page.range(of: "</code>", range: start.upperBound..<page.endIndex) else { return nil }
        var text = String(page[start.upperBound..<end.lowerBound])
        #expect(!text.contains("<") && !text.contains(">"), "the command is not escaped for HTML: \(text)")
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    @Test func thePastedCommandRunsTheSameNotebookAndNothingElse() throws {
        let parent = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        // A folder and a notebook whose names a shell would expand or split.
        let folder = parent.appendingPathComponent("a $HOME dir")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let notebook = folder.appendingPathComponent("my $nb.md")
        try Self.notebook.write(to: notebook, atomically: true, encoding: .utf8)
        let site = folder.appendingPathComponent("site 'one'")
        // A bare `$` would be a parameter reference to the language; in quotes it is text.
        let value = "note=a; touch pwned1 \"$(touch pwned2)\" `touch pwned3` it's & <script>"

        let first = try NotebookBinary.run(["run", notebook.path, "-p", value, "--output", site.path, "--threads", "1",
                                            "--no-cache", "--quiet"], in: parent)
        #expect(first.status == 0, "stderr: \(first.standardError)")
        let page = try String(contentsOf: site.appendingPathComponent("my $nb.html"), encoding: .utf8)
        let metrics = site.appendingPathComponent("my $nb/metrics.json")
        let firstMetrics = try Data(contentsOf: metrics)
        #expect(String(decoding: firstMetrics, as: UTF8.self).contains(#""value" : "a; touch pwned1"#))
        let command = try #require(Self.reproducingCommand(in: page))
        #expect(command.hasPrefix("notebook run '\(notebook.path)' "))
        try FileManager.default.removeItem(at: site)

        // `notebook` in the pasted line is the binary under test.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "notebook() { \"$NOTEBOOK_UNDER_TEST\" \"$@\"; }\n" + command + " --quiet"]
        shell.environment = ProcessInfo.processInfo.environment.merging(["NOTEBOOK_UNDER_TEST": NotebookBinary.url.path]) { $1 }
        shell.currentDirectoryURL = parent
        let errors = Pipe()
        shell.standardError = errors
        shell.standardOutput = FileHandle.nullDevice
        try shell.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()

        #expect(shell.terminationStatus == 0, "\(command)\nstderr: \(stderr)")
        // The same page again: same values and numbers, to the byte.
        #expect(try Data(contentsOf: metrics) == firstMetrics)
        let reproduced = try String(contentsOf: site.appendingPathComponent("my $nb.html"), encoding: .utf8)
        #expect(Self.reproducingCommand(in: reproduced) == command)
        // And nothing in the value ran, wherever the shell was.
        for folder in [parent, folder] {
            let stray = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("pwned") }
            #expect(stray.isEmpty, "the pasted command ran something: \(stray)")
        }
    }
}
