import Notebook
import NotebookResults
import Testing

/// The Markdown stage gives section headings ids and hands them over as values, with the
/// place for the contents right after the title.
@Suite struct HeadingAnchorTests {
    @Test func sectionsAreAnchoredAndListedAfterTheTitle() {
        let document = MarkdownParser.parse("# Title\n\n## What a VAE is\n\ntext\n\n### The ELBO & KL\n\n## What a VAE is\n",
                                            path: "toc.md")
        #expect(document.headings == [
            Heading(level: 2, anchor: "what-a-vae-is", text: "What a VAE is"),
            Heading(level: 3, anchor: "the-elbo-kl", text: "The ELBO & KL"),
            Heading(level: 2, anchor: "what-a-vae-is-2", text: "What a VAE is"),
        ])
        let prose = document.segments.compactMap { if case .html(let html) = $0 { html } else { nil } }.joined()
        #expect(prose.contains("<h2 id=\"what-a-vae-is\">What a VAE is</h2>"))
        #expect(prose.contains("<h3 id=\"the-elbo-kl\">The ELBO &amp; KL</h3>"))
        #expect(prose.contains("<h2 id=\"what-a-vae-is-2\">"))
        #expect(document.segments.firstIndex(of: .contents) == 1)
        #expect(document.segments.first == .html("<h1>Title</h1>\n"))
    }

    @Test func aDocumentWithoutTitleHasNoContentsPlace() {
        let document = MarkdownParser.parse("## One\n\n## Two\n", path: "toc.md")
        #expect(document.headings.map(\.anchor) == ["one", "two"])
        #expect(!document.segments.contains(.contents))
    }

    @Test func headingsWithoutLettersGetASectionAnchor() {
        let document = MarkdownParser.parse("## ???\n\n## ???\n", path: "toc.md")
        #expect(document.headings.map(\.anchor) == ["section", "section-2"])
    }
}
