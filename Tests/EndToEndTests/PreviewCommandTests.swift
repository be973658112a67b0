import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `notebook preview`: serves the page, picks up a saved edit within seconds, shows an
/// error in the page, and stops cleanly on Ctrl-C.
@Suite struct PreviewCommandTests {
    static let notebook = """
        # Preview

        Some prose. ![a figure](figs/a.svg)

        ```swift-vae
        seed 3
        data fashion-mnist train=200 test=50
        model mlp encoder=[16] latent=2 decoder=[16]
        train epochs=1 batch=50
        show samples 4
        ```
        """

    /// The body of `url`, or nil when it cannot be fetched.
    static func fetch(_ url: URL) -> String? {
        let done = DispatchSemaphore(value: 0)
        let box = TextBox()
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        URLSession.shared.dataTask(with: request) { data, _, _ in
            box.text = data.map { String(decoding: $0, as: UTF8.self) }
            done.signal()
        }.resume()
        done.wait()
        return box.text
    }

    /// Polls `url` until its body satisfies `condition`; the seconds it took, or nil after `limit`.
    static func seconds(until condition: (String) -> Bool, at url: URL, limit: Double = 5) -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < limit {
            if let body = fetch(url), condition(body) { return Date().timeIntervalSince(start) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    final class TextBox: @unchecked Sendable { var text: String? }

    @Test func servesEditsAndErrorsAndStopsOnInterrupt() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("preview.md")
        try Self.notebook.write(to: path, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("figs"), withIntermediateDirectories: true)
        try "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".write(to: folder.appendingPathComponent("figs/a.svg"),
                                                                 atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = NotebookBinary.url
        process.arguments = ["preview", "preview.md", "--port", "0", "--quiet"]
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The first line names the URL (the port is the system's choice).
        var firstLine = Data()
        while !firstLine.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            firstLine.append(chunk)
        }
        let line = String(decoding: firstLine, as: UTF8.self)
        let address = try #require(line.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") })
        let page = try #require(URL(string: String(address)))
        #expect(page.lastPathComponent == "preview.html")

        let first = try #require(Self.fetch(page))
        #expect(first.contains("Some prose."))
        #expect(first.contains("<script>"))  // only served pages reload
        // The prose's local images are served beside the page, as a build publishes them.
        let image = page.deletingLastPathComponent().appendingPathComponent("figs/a.svg")
        #expect(Self.fetch(image) == "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        // So are the page's exports, at the paths its links name.
        let exports = page.deletingLastPathComponent().appendingPathComponent("preview")
        #expect(Self.fetch(exports.appendingPathComponent("losses.csv"))?.hasPrefix("model,epoch,train_neg_elbo,") == true)
        #expect(first.contains("href=\"preview/block-1-samples.png\""))
        #expect(Self.fetch(exports.appendingPathComponent("block-1-samples.svg"))?.hasPrefix("<svg xmlns=") == true)

        try Self.notebook.replacingOccurrences(of: "Some prose.", with: "Edited while previewing.")
            .write(to: path, atomically: true, encoding: .utf8)
        let edited = Self.seconds(until: { $0.contains("Edited while previewing.") }, at: page)
        #expect(edited != nil, "the edit was not served within 5 s")

        try Self.notebook.replacingOccurrences(of: "show samples 4", with: "show smaples 4")
            .write(to: path, atomically: true, encoding: .utf8)
        let broken = Self.seconds(until: { $0.contains("preview-error") }, at: page)
        #expect(broken != nil, "the error was not served within 5 s")
        let errorPage = Self.fetch(page) ?? ""
        #expect(errorPage.contains("unknown show &#39;smaples&#39;") || errorPage.contains("unknown show 'smaples'"))
        #expect(errorPage.contains("<svg"))  // the last good outputs stay beneath the error

        kill(process.processIdentifier, SIGINT)
        let interrupted = Date()
        while process.isRunning, Date().timeIntervalSince(interrupted) < 10 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "Ctrl-C did not stop the preview within 10 s")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
