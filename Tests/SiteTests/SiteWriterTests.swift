import Foundation
import Site
import Testing

@Suite struct SiteWriterTests {
    /// A fresh folder under the system's temporary folder, removed by the caller.
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("SiteWriterTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func contents(_ url: URL) -> String? {
        FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) }
    }

    func leftovers(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
    }

    @Test func writesPagesAndStylesheetCreatingTheFolder() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("nested/site")
        try SiteWriter(outputDirectory: site).write(pages: ["index.html": "<p>index</p>", "vae.html": "<p>vae</p>"])
        #expect(contents(site.appendingPathComponent("index.html")) == "<p>index</p>")
        #expect(contents(site.appendingPathComponent("vae.html")) == "<p>vae</p>")
        #expect(contents(site.appendingPathComponent("style.css")) == siteStylesheet)
        #expect(try leftovers(in: site).isEmpty)

        // A second run replaces its pages and leaves other files alone.
        try Data("other".utf8).write(to: site.appendingPathComponent("other.html"))
        try SiteWriter(outputDirectory: site).write(pages: ["vae.html": "<p>vae 2</p>"])
        #expect(contents(site.appendingPathComponent("vae.html")) == "<p>vae 2</p>")
        #expect(contents(site.appendingPathComponent("index.html")) == "<p>index</p>")
        #expect(contents(site.appendingPathComponent("other.html")) == "other")
    }

    @Test func anOutputPathThatIsAFileIsAnError() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("site")
        try Data("not a folder".utf8).write(to: file)
        #expect(throws: SiteError.notADirectory(path: file.path)) {
            try SiteWriter(outputDirectory: file).write(pages: ["a.html": "a"])
        }
        #expect(contents(file) == "not a folder")
        let message = SiteError.notADirectory(path: file.path).description
        #expect(message.contains(file.path) && message.contains("not a folder"))
    }

    @Test func aFailedWriteLeavesThePreviousFiles() throws {
        let site = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: site) }
        try SiteWriter(outputDirectory: site).write(pages: ["a.html": "old a"])
        try Data("old css".utf8).write(to: site.appendingPathComponent("style.css"))
        // A folder where a page should go: nothing may be replaced.
        try FileManager.default.createDirectory(at: site.appendingPathComponent("b.html"), withIntermediateDirectories: false)
        #expect(throws: SiteError.self) {
            try SiteWriter(outputDirectory: site).write(pages: ["a.html": "new a", "b.html": "new b"])
        }
        #expect(contents(site.appendingPathComponent("a.html")) == "old a")
        #expect(contents(site.appendingPathComponent("style.css")) == "old css")
        #expect(try leftovers(in: site).isEmpty)
    }

    @Test(arguments: ["", "../escape.html", "sub/page.html", ".hidden.html", "style.css"])
    func rejectsNamesThatAreNotPlainPageFiles(name: String) throws {
        let site = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: site) }
        #expect(throws: SiteError.self) {
            try SiteWriter(outputDirectory: site).write(pages: [name: "x"])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.path).isEmpty)
    }
}
