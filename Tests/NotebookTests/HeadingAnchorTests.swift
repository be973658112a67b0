import Notebook
import NotebookResults
import Site
import Testing

/// Headings get ids and the page lists them under its title.
@Suite struct TableOfContentsTests {
    static func page(_ markdown: String) -> String {
        let document = MarkdownParser.parse(markdown, path: "toc.md")
        let manifest = RunManifest(seed: 0, engineVersion: "test", blasConfiguration: "test", blasThreads: 1,
                                   datasetChecksums: [:], command: "notebook run toc.md", seconds: 0, finishedAt: "now")
        return renderNotebookPage(RunResult(document: document, results: [], manifest: manifest))
    }

    @Test func sectionsAreAnchoredAndListedAfterTheTitle() {
        let html = Self.page("# Title\n\n## What a VAE is\n\ntext\n\n### The ELBO & KL\n\n## What a VAE is\n")
        #expect(html.contains("<h2 id=\"what-a-vae-is\">What a VAE is</h2>"))
        #expect(html.contains("<h3 id=\"the-elbo-kl\">The ELBO &amp; KL</h3>"))
        #expect(html.contains("<h2 id=\"what-a-vae-is-2\">"))
        let expected = """
            <nav class="toc" aria-label="Contents">
            <p class="toc-title">Contents</p>
            <ol>
            <li><a href="#what-a-vae-is">What a VAE is</a></li>
            <li class="toc-sub"><a href="#the-elbo-kl">The ELBO &amp; KL</a></li>
            <li><a href="#what-a-vae-is-2">What a VAE is</a></li>
            </ol>
            </nav>
            """
        #expect(html.contains(expected))
        let titleEnd = html.range(of: "</h1>")!.upperBound
        #expect(html.range(of: "<nav class=\"toc\"")!.lowerBound > titleEnd)
    }

    @Test func aPageWithOneSectionHasNoContents() {
        #expect(!Self.page("# Title\n\n## Only\n\ntext\n").contains("class=\"toc\""))
    }
}
