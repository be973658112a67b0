import Foundation
import NotebookResults
import Site
import Testing

@Suite struct NotebookPageTests {
    let page = renderNotebookPage(Fixtures.demoRun)

    @Test func everyBlockIsFollowedByItsOwnOutputs() throws {
        let blocks = Fixtures.demoRun.document.codeBlocks
        // Figures carry the links to their exported files under them (see PageExportsTests).
        let page = page.replacingOccurrences(of: "<p class=\"figure-exports\">[^\n]*</p>\n", with: "",
                                             options: .regularExpression)
        let codePositions = try blocks.map { block in
            let marker = escapeHTMLText(block.source.hasSuffix("\n") ? String(block.source.dropLast()) : block.source)
            return try #require(page.range(of: marker)?.lowerBound, "block \(block.index) is missing")
        }
        #expect(codePositions == codePositions.sorted())
        for result in Fixtures.demoRun.results {
            let start = codePositions[result.blockIndex]
            let end = result.blockIndex + 1 < codePositions.count ? codePositions[result.blockIndex + 1] : page.endIndex
            var cursor = start
            for output in result.outputs {
                let rendered = renderBlockOutput(output)
                let found = try #require(page[cursor..<end].range(of: rendered),
                                         "an output of block \(result.blockIndex) is not under it")
                cursor = found.upperBound
            }
        }
    }

    @Test func codeBlocksAndOutputsHaveTheirMarkup() {
        #expect(page.contains("<pre class=\"code\" data-language=\"swift-vae\"><code>seed 1\ntable losses</code></pre>"))
        #expect(page.contains("<pre class=\"code\" data-language=\"python\"><code>print('&lt;hi&gt;' &amp; 1)</code></pre>"))
        #expect(page.components(separatedBy: "<div class=\"outputs\">").count == 3)
        #expect(page.contains("<pre class=\"output\">seed 1</pre>"))
    }

    @Test func isSelfContained() {
        // The SVG namespace names a URI but fetches nothing.
        let page = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!page.contains("http://"))
        #expect(!page.contains("https://"))
        #expect(!page.contains("<script"))
        #expect(page.contains("<link rel=\"stylesheet\" href=\"style.css\">"))
        #expect(page.contains("<a href=\"index.html\">"))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
    }

    @Test func titleAndFooter() {
        #expect(page.contains("<title>Demo &lt;VAE&gt;</title>"))
        #expect(page.contains("notebook run notebooks/demo.md -p epochs=2 --threads 1"))
        #expect(page.contains("OpenBLAS 0.3.26, 1 thread"))
        #expect(page.contains("<li><code>epochs = 2</code> (set with <code>-p</code>)</li>"))
        #expect(page.contains("<li><code>data = fashion-mnist</code></li>"))
        #expect(page.contains("<dt>CPU</dt><dd>x86_64, OpenBLAS kernels for Haswell</dd>"))
        #expect(page.contains("<code>weights/start.ckpt</code> <code class=\"checksum\">5f0c2a9e</code>"))
        #expect(page.contains("1 min 15 s"))
        let first = page.range(of: "t10k-images-idx3-ubyte.gz")!.lowerBound
        let second = page.range(of: "train-images-idx3-ubyte.gz")!.lowerBound
        #expect(first < second)
    }

    @Test func footerLeavesOutWhatARunDidNotHave() {
        var run = Fixtures.demoRun
        run.manifest.parameters = []
        run.manifest.cpuArchitecture = ""
        run.manifest.blasCore = ""
        run.manifest.inputChecksums = [:]
        let page = renderNotebookPage(run)
        #expect(!page.contains("<dt>Parameters</dt>"))
        #expect(!page.contains("<dt>CPU</dt>"))
        #expect(!page.contains("Checkpoints loaded"))
        #expect(page.contains("<dt>Datasets (SHA-256)</dt>"))
        #expect(!page.contains("From the cache"))
    }

    @Test func footerSaysWhichBlocksCameFromTheCache() {
        var run = Fixtures.demoRun
        run.results[0].computedAt = "2025-01-01T10:00:00Z"
        run.results[2].computedAt = "2025-01-01T10:05:00Z"
        let page = renderNotebookPage(run)
        #expect(page.contains("<dt>From the cache</dt><dd>2 of 3 blocks\n<ul class=\"cached-blocks\">\n"
            + "<li>block 1, computed 2025-01-01T10:00:00Z</li>\n<li>block 3, computed 2025-01-01T10:05:00Z</li>\n</ul></dd>"))
    }

    @Test func titleFallsBackToTheFileName() {
        var run = Fixtures.demoRun
        run.document.title = nil
        #expect(renderNotebookPage(run, stylesheetHref: "../style.css").contains("<title>demo.md</title>"))
        #expect(notebookTitle(run.document) == "demo.md")
    }

    @Test(arguments: [(0.4321, "0.43 s"), (12.34, "12.3 s"), (125, "2 min 05 s"), (3725, "1 h 02 min")])
    func durations(seconds: Double, text: String) {
        #expect(formatDuration(seconds) == text)
    }
}

@Suite struct TableOfContentsTests {
    static func page(headings: [Heading], contentsAfterTitle: Bool) -> String {
        var run = Fixtures.demoRun
        run.document.headings = headings
        if contentsAfterTitle { run.document.segments.insert(.contents, at: 1) }
        return renderNotebookPage(run)
    }

    static let contents = """
        <nav class="toc" aria-label="Contents">
        <p class="toc-title">Contents</p>
        <ol>
        <li><a href="#what-a-vae-is">What a VAE is</a></li>
        <li class="toc-sub"><a href="#the-elbo-kl">The ELBO &amp; KL</a></li>
        </ol>
        </nav>
        """

    static let headings = [Heading(level: 2, anchor: "what-a-vae-is", text: "What a VAE is"),
                           Heading(level: 3, anchor: "the-elbo-kl", text: "The ELBO & KL")]

    @Test func contentsGoWhereTheMarkdownStagePutThem() {
        let html = Self.page(headings: Self.headings, contentsAfterTitle: true)
        #expect(html.contains("<h1>Demo &lt;VAE&gt;</h1>\n<p>A <em>tiny</em> notebook &amp; its outputs.</p>\n" + Self.contents))
    }

    @Test func withoutAPlaceTheContentsComeFirst() {
        let html = Self.page(headings: Self.headings, contentsAfterTitle: false)
        #expect(html.contains("<article class=\"notebook\">\n" + Self.contents))
    }

    @Test func aPageWithOneSectionHasNoContents() {
        #expect(!Self.page(headings: Array(Self.headings.prefix(1)), contentsAfterTitle: true).contains("class=\"toc\""))
    }
}

@Suite struct PageSummaryTests {
    @Test func summaryIsTheDocumentsSummary() {
        let summary = SiteManifest.entry(for: Fixtures.demoRun, href: "demo.html")
        #expect(summary == PageSummary(title: "Demo <VAE>", href: "demo.html",
                                       summary: "A tiny notebook & its outputs.", lastRun: "2025-01-02T03:04:05Z"))
    }

    @Test func longSummariesAreCutAtAWord() {
        var run = Fixtures.demoRun
        run.document.summary = Array(repeating: "variational", count: 40).joined(separator: " ")
        let summary = SiteManifest.entry(for: run, href: "t.html").summary
        #expect(summary.count <= 201)
        #expect(summary.hasSuffix("variational…"))
    }

    @Test func noProseGivesAnEmptySummary() {
        var run = Fixtures.demoRun
        run.document.summary = nil
        #expect(SiteManifest.entry(for: run, href: "t.html").summary == "")
    }
}

@Suite struct TableFigureTests {
    @Test func numbersAreMarkedForRightAlignment() {
        let html = renderTableFigure(TableOutput(title: "t", columns: ["name", "value"],
                                                 rows: [["a", "1e-3"], ["b", "-12.5%"], ["c"]]))
        #expect(html.contains("<caption>t</caption>"))
        #expect(html.contains("<th scope=\"col\">name</th><th scope=\"col\" class=\"number\">value</th>"))
        #expect(html.contains("<td>a</td><td class=\"number\">1e-3</td>"))
        #expect(html.contains("<td class=\"number\">-12.5%</td>"))
        #expect(html.contains("<td>c</td><td></td>"))
    }

    @Test func numbersGroupedWithCommasAreNumbersAndListsAreNot() {
        let html = renderTableFigure(TableOutput(title: "", columns: ["parameters", "sizes"],
                                                 rows: [["652,824", "1,2"], ["1,234,567.5", "400,20"]]))
        #expect(html.contains("<th scope=\"col\" class=\"number\">parameters</th><th scope=\"col\">sizes</th>"))
        #expect(html.contains("<td class=\"number\">652,824</td><td>1,2</td>"))
        #expect(html.contains("<td class=\"number\">1,234,567.5</td><td>400,20</td>"))
    }

    @Test func aMissingValueKeepsAColumnOfNumbersRightAligned() {
        let html = renderTableFigure(TableOutput(title: "", columns: ["epoch", "test", "note"],
                                                 rows: [["1", "—", "—"], ["2", "258.66", "fast"]]))
        #expect(html.contains("<th scope=\"col\" class=\"number\">test</th><th scope=\"col\">note</th>"))
        #expect(html.contains("<td class=\"number\">1</td><td class=\"number\">—</td><td>—</td>"))
    }
}

@Suite struct EscapingTests {
    @Test func escapesMarkupCharacters() {
        #expect(escapeHTMLText("a < b && c > \"d\"") == "a &lt; b &amp;&amp; c &gt; \"d\"")
        #expect(escapeHTMLAttribute("it's \"x\" <&>") == "it&#39;s &quot;x&quot; &lt;&amp;&gt;")
    }
}
