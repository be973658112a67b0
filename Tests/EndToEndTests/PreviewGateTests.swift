import Foundation
import Testing
import TestSupport

/// What `notebook preview` refuses before its HTTP server sees a request: heads past the
/// limits, hosts it does not answer to, and images that now lead outside the allowed folders.
/// The notebooks train nothing, so these run as fast in debug as in release.
@Suite struct PreviewGateTests {
    static let notebook = """
        # Gate

        ![a figure](figs/a.png)

        ```swift-vae
        seed 3
        ```
        """

    /// A folder with the notebook and its image `figs/a.png`; removed by the caller.
    func folder() throws -> URL {
        let folder = try makeTemporaryFolder("preview-gate")
        try Self.notebook.write(to: folder.appendingPathComponent("gate.md"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("figs"), withIntermediateDirectories: true)
        try Data("inside image".utf8).write(to: folder.appendingPathComponent("figs/a.png"))
        return folder
    }

    @Test func aLongRequestLineIsRefusedQuicklyAndTheServerAnswersAfterwards() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let preview = try PreviewProcess(["gate.md", "--port", "0", "--quiet"], in: folder)
        defer { preview.stop() }

        let cpuBefore = preview.cpuSeconds
        let start = Date()
        let answer = try preview.send(Data("GET /\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: 127.0.0.1:\(preview.port)\r\n\r\n".utf8))
        let seconds = Date().timeIntervalSince(start)
        #expect(answer.statusLine == "HTTP/1.1 414 URI Too Long")
        #expect(answer.body == "414 URI Too Long: the request line is longer than 8 KB\n")
        #expect(seconds < 3, "the refusal took \(seconds) s")
        if let cpuBefore, let cpuAfter = preview.cpuSeconds {
            #expect(cpuAfter - cpuBefore < 0.5, "the refusal cost \(cpuAfter - cpuBefore) s of CPU")
        }

        // A line just under the limit still reaches the server (no such page there).
        let long = try preview.get("/" + String(repeating: "b", count: 8_000))
        #expect(long.status == 404)
        let version = try preview.get("/__preview/version")
        #expect(version.status == 200)
        #expect(Int(version.body) != nil, "the version is not a number: '\(version.body)'")
        #expect(version.header("Content-Type") == "text/plain; charset=utf-8")
    }

    @Test func seventyKilobytesOfHeadersAreRefused() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let preview = try PreviewProcess(["gate.md", "--port", "0", "--quiet"], in: folder)
        defer { preview.stop() }

        let filler = (0..<70).map { "X-Filler-\($0): \(String(repeating: "b", count: 1_000))\r\n" }.joined()
        let answer = try preview.get("/gate.html", extraHeaders: filler)
        #expect(answer.statusLine == "HTTP/1.1 431 Request Header Fields Too Large")
        #expect(answer.body.contains("the header fields are larger than 64 KB"))
        // One header line of 70 KB is refused the same way.
        let one = try preview.get("/gate.html", extraHeaders: "X-Long: \(String(repeating: "c", count: 70_000))\r\n")
        #expect(one.status == 431)
        // 60 KB of headers pass.
        let fewer = (0..<60).map { "X-Filler-\($0): \(String(repeating: "b", count: 1_000))\r\n" }.joined()
        #expect(try preview.get("/gate.html", extraHeaders: fewer).status == 200)
    }

    @Test func onlyTheLoopbackHostsAndAllowedNamesAreAnswered() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let preview = try PreviewProcess(["gate.md", "--port", "0", "--quiet", "--allow-host", "example.test"], in: folder)
        defer { preview.stop() }
        let port = preview.port
        // Scripts read the address from the first line.
        #expect(preview.firstLine.hasPrefix("Previewing at http://127.0.0.1:\(port)/gate.html"))

        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)", "LocalHost:\(port)",
                     "example.test:\(port)", "example.test", "Example.Test:8080"] {
            let answer = try preview.get("/gate.html", host: host)
            #expect(answer.status == 200, "Host: \(host) → \(answer.statusLine) \(answer.body)")
            #expect(answer.body.contains("<h1"), "Host: \(host)")
        }
        for host in ["evil.example:\(port)", "127.0.0.1", "localhost:1", "127.0.0.1:\(port).evil.example",
                     "example.test.evil.example", "example.testx", "example.test:", "example.test:80x"] {
            let answer = try preview.get("/gate.html", host: host)
            #expect(answer.statusLine == "HTTP/1.1 403 Forbidden", "Host: \(host) → \(answer.statusLine)")
            #expect(answer.body.hasPrefix("403 Forbidden: host '\(host)' is not allowed; the preview answers to "
                                          + "127.0.0.1:\(port), localhost:\(port), [::1]:\(port), example.test"),
                    "Host: \(host) → \(answer.body)")
            #expect(!answer.body.contains("<h1"))
        }
        let none = try preview.get("/gate.html", host: "")
        #expect(none.status == 403)
        #expect(none.body.hasPrefix("403 Forbidden: the request has no Host header"))
        let twice = try preview.get("/gate.html", extraHeaders: "Host: evil.example\r\n")
        #expect(twice.status == 400)
        // The version the reload script polls is refused to a foreign host too.
        #expect(try preview.get("/__preview/version", host: "evil.example").status == 403)
        #expect(try preview.get("/__preview/version", host: "localhost:\(port)").status == 200)
    }

    @Test(arguments: [("", "--allow-host needs a host name"),
                      ("http://example.test", "--allow-host http://example.test: give a host name only"),
                      ("example.test:8080", "--allow-host example.test:8080: give a host name only"),
                      ("[zz]", "--allow-host [zz]: an IPv6 address is written in brackets")])
    func aMalformedAllowedHostIsAUsageError(name: String, message: String) throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try NotebookBinary.run(["preview", "gate.md", "--allow-host", name], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains(message), "stderr: \(outcome.standardError)")
    }

    /// The image's folder swapped for a link to a folder outside, while the preview runs: the
    /// same size and time, so no rebuild notices, and the serving itself must refuse it.
    @Test func anImageThatNowLeadsOutsideIsRefused() throws {
        let parent = try makeTemporaryFolder("preview-gate-parent")
        defer { try? FileManager.default.removeItem(at: parent) }
        let files = FileManager.default
        let folder = parent.appendingPathComponent("notebook")
        try files.createDirectory(at: folder.appendingPathComponent("figs"), withIntermediateDirectories: true)
        try Self.notebook.write(to: folder.appendingPathComponent("gate.md"), atomically: true, encoding: .utf8)
        let image = folder.appendingPathComponent("figs/a.png")
        try Data("inside image".utf8).write(to: image)
        let outside = parent.appendingPathComponent("outside")
        try files.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("secret bits!".utf8).write(to: outside.appendingPathComponent("a.png"))
        let allowed = parent.appendingPathComponent("allowed")
        try files.createDirectory(at: allowed, withIntermediateDirectories: true)
        try Data("allowed bit!".utf8).write(to: allowed.appendingPathComponent("a.png"))
        let stamp = try #require(try files.attributesOfItem(atPath: image.path)[.modificationDate] as? Date)
        for copy in [outside, allowed] {
            try files.setAttributes([.modificationDate: stamp], ofItemAtPath: copy.appendingPathComponent("a.png").path)
        }

        let preview = try PreviewProcess(["gate.md", "--port", "0", "--quiet", "--allow-outside", allowed.path],
                                         in: folder)
        defer { preview.stop() }
        #expect(try preview.get("/figs/a.png").body == "inside image")
        let version = try preview.get("/__preview/version").body

        try files.moveItem(at: folder.appendingPathComponent("figs"), to: folder.appendingPathComponent("figs-before"))
        try files.createSymbolicLink(at: folder.appendingPathComponent("figs"), withDestinationURL: outside)
        let refused = try preview.get("/figs/a.png")
        #expect(refused.status == 403)
        #expect(!refused.body.contains("secret"))
        #expect(refused.body.hasPrefix("image 'figs/a.png' is not served: it is outside the notebook's folder"),
                "body: \(refused.body)")

        // Into an --allow-outside folder, it is served.
        try files.removeItem(at: folder.appendingPathComponent("figs"))
        try files.createSymbolicLink(at: folder.appendingPathComponent("figs"), withDestinationURL: allowed)
        #expect(try preview.get("/figs/a.png").body == "allowed bit!")
        // Nothing was rebuilt meanwhile: the serving itself refused.
        #expect(try preview.get("/__preview/version").body == version)
    }
}
