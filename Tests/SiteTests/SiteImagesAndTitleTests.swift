import Foundation
import NotebookResults
import Site
import Testing

/// Local images copied beside their page, maths in the index's titles, and what a
/// reproducible build leaves out.
@Suite struct SiteImagesAndTitleTests {
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("site-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The demo run, as if read from `folder/notes/vae.md`, showing `images`.
    func run(in folder: URL, images: [String]) -> RunResult {
        var run = Fixtures.demoRun
        let path = folder.appendingPathComponent("notes/vae.md").path
        run.document.path = path
        run.document.images = images.enumerated().map { index, source in
            ImageReference(source: source, location: SourceLocation(file: path, line: 3 + index, column: 5))
        }
        return run
    }

    @Test func localImagesAreCopiedAtTheirRelativePathsAndURLsAreLeftAlone() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let figures = folder.appendingPathComponent("notes/figs/deep")
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        let png = Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
        try png.write(to: figures.appendingPathComponent("a b.png"))
        try Data("<svg/>".utf8).write(to: folder.appendingPathComponent("notes/top.svg"))
        let site = folder.appendingPathComponent("site")

        try SitePublisher.publish([run(in: folder, images: [
            "figs/deep/a%20b.png", "./figs/../top.svg?v=2#x", "https://example.com/x.png", "/abs/y.png",
            "data:image/png;base64,AAAA", "//cdn.example.com/z.png",
        ])], to: site)

        #expect(try Data(contentsOf: site.appendingPathComponent("figs/deep/a b.png")) == png)
        #expect(try Data(contentsOf: site.appendingPathComponent("top.svg")) == Data("<svg/>".utf8))
        let names = try FileManager.default.contentsOfDirectory(atPath: site.path).sorted()
        // `vae/` holds the page's exports (losses.csv, metrics.json).
        #expect(names == ["figs", "index.html", "site.json", "style.css", "top.svg", "vae", "vae.html"])
    }

    @Test func aMissingImageIsReportedWithItsPositionAndNothingIsWritten() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("site")
        let path = folder.appendingPathComponent("notes/vae.md").path
        #expect(throws: ImageReferenceErrors(errors: [
            ImageReferenceError(location: SourceLocation(file: path, line: 3, column: 5),
                                reason: "image 'figs/missing.png' not found (looked for "
                                    + folder.appendingPathComponent("notes/figs/missing.png").path + ")"),
            ImageReferenceError(location: SourceLocation(file: path, line: 4, column: 5),
                                reason: "image '../../etc/passwd' is outside the notebook's folder; put it inside "
                                    + folder.appendingPathComponent("notes").path + " to publish it"),
        ])) {
            try SitePublisher.publish([run(in: folder, images: ["figs/missing.png", "../../etc/passwd"])], to: site)
        }
        #expect(!FileManager.default.fileExists(atPath: site.path))
        let error = ImageReferenceError(location: SourceLocation(file: "vae.md", line: 3, column: 5), reason: "image 'a.png' not found")
        #expect(error.description == "vae.md:3:5: error: image 'a.png' not found")
    }

    @Test func aDocumentWrittenBeforeImagesExistedDecodesWithNone() throws {
        var document = Fixtures.demoRun.document
        document.images = []
        let encoded = try JSONEncoder().encode(document)
        #expect(!String(decoding: encoded, as: UTF8.self).contains("\"images\""))
        #expect(try JSONDecoder().decode(Document.self, from: encoded) == document)
        document.images = [ImageReference(source: "a.png", location: SourceLocation(file: "v.md", line: 2, column: 1))]
        #expect(try JSONDecoder().decode(Document.self, from: try JSONEncoder().encode(document)) == document)
    }

    @Test func theIndexRendersMathsInTitlesAsMathML() {
        let html = renderIndexPage([PageSummary(title: "The $\\beta$-VAE and $$x^2$$ costs \\$5 or $ 3", href: "b.html",
                                                summary: "", lastRun: "")])
        #expect(html.contains("<h2><a href=\"b.html\">The <math display=\"inline\"><semantics><mi>β</mi>"), "\(html)")
        #expect(html.contains("-VAE and <math display=\"block\">"))
        #expect(html.contains(" costs $5 or $ 3</a></h2>"), "\(html)")
        #expect(!html.contains("\\beta$"))
        #expect(renderTitleHTML("a < b, $x$") == "a &lt; b, " + renderTitleHTML("$x$"))
        #expect(renderTitleHTML("$5 and $6") == "$5 and $6")
    }

    @Test func aRunWithoutARunTimeShowsNone() {
        var run = Fixtures.demoRun
        #expect(renderNotebookPage(run).contains("<dt>Run time</dt>"))
        run.manifest.seconds = -1
        #expect(!renderNotebookPage(run).contains("<dt>Run time</dt>"))
    }
}
