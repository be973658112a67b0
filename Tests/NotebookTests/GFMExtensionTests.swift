import Notebook
import NotebookResults
import Testing

private typealias FileLocation = NotebookResults.SourceLocation

/// Pipe tables, footnotes and strikethrough (GitHub Flavored Markdown) in prose.
@Suite struct GFMExtensionTests {
    /// Spec examples left out, by file and number, and why:
    /// - extensions.txt 13 (reference-style links in cells): a cell is parsed by cmark on its
    ///   own, so link reference definitions elsewhere in the file do not reach it.
    /// - extensions.txt 24 and 25 (interop with autolinks): the autolink extension
    ///   (`www.…`, bare URLs) is not part of this work.
    static let excluded: Set<String> = ["extensions.txt 13", "extensions.txt 24", "extensions.txt 25"]

    static var includedExamples: [GFMSpecExample] {
        gfmSpecExamples.filter { !excluded.contains("\($0.file) \($0.number)") }
    }

    @Test(arguments: includedExamples)
    func specExample(_ example: GFMSpecExample) {
        let document = MarkdownParser.parse(example.markdown, path: "spec.md")
        #expect(normalized(html(of: document)) == normalized(example.html))
    }

    @Test func everyExcludedExampleExists() {
        let names = Set(gfmSpecExamples.map { "\($0.file) \($0.number)" })
        #expect(Self.excluded.isSubset(of: names))
        #expect(Self.includedExamples.count == gfmSpecExamples.count - Self.excluded.count)
    }

    // MARK: - Tables

    @Test func tableAfterTextInAListItemWithMathsAndCode() {
        let markdown = """
            - Results:
              | model | $\\beta$ | note |
              |:--|:-:|--:|
              | `vae` | 1 | ~~old~~ *new* |
            """
        let result = html(of: MarkdownParser.parse(markdown, path: "nb.md"))
        #expect(result.hasPrefix("<ul>\n<li>Results:\n<table>\n<thead>\n<tr>\n<th align=\"left\">model</th>\n<th align=\"center\"><span class=\"math inline\"><math"))
        #expect(result.contains("<td align=\"left\"><code>vae</code></td>\n<td align=\"center\">1</td>\n<td align=\"right\"><del>old</del> <em>new</em></td>"))
    }

    @Test func tableInABlockQuote() {
        let markdown = "> | a | b |\n> | - | - |\n> | 1 | 2 |\n"
        let result = html(of: MarkdownParser.parse(markdown, path: "nb.md"))
        #expect(result == "<blockquote>\n<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n</blockquote>\n")
    }

    @Test func cellsStayInlineText() {
        let markdown = "| # not a heading | - not a list |\n| --- | --- |\n"
        let result = html(of: MarkdownParser.parse(markdown, path: "nb.md"))
        #expect(result.contains("<th># not a heading</th>\n<th>- not a list</th>"))
    }

    @Test func codeBlockAfterATableKeepsItsPosition() throws {
        let markdown = "| a |\n| --- |\n| 1 |\n\n```swift-vae\nseed 1\n```\n"
        let block = try #require(MarkdownParser.parse(markdown, path: "nb.md").runnableBlocks.first)
        #expect(block.fenceLocation == FileLocation(file: "nb.md", line: 5, column: 1))
    }

    // MARK: - Footnotes

    @Test func footnotesAtTheEndWithBackLinks() {
        let markdown = """
            # Title

            A claim[^src] and $x$ again[^src], and a note[^2].

            [^src]: From *the paper*, with $a_b$.
            [^2]: Second.
                Indented continuation.

            ```swift-vae
            seed 1
            ```
            """
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(document.problems.isEmpty)
        #expect(document.runnableBlocks.first?.fenceLocation == FileLocation(file: "nb.md", line: 9, column: 1))
        guard case .html(let last) = document.segments.last else {
            Issue.record("the footnotes should end the page")
            return
        }
        #expect(last.hasPrefix("<section class=\"footnotes\">\n<ol>\n<li id=\"fn1\">\n<p>From <em>the paper</em>, with <span class=\"math inline\">"))
        #expect(last.contains("<a href=\"#fnref1\" class=\"footnote-backref\">↩</a> <a href=\"#fnref1-2\" class=\"footnote-backref\">↩<sup>2</sup></a></p>"))
        #expect(last.contains("<li id=\"fn2\">\n<p>Second.\nIndented continuation. <a href=\"#fnref2\" class=\"footnote-backref\">↩</a></p>\n</li>"))
        let prose = html(of: document)
        #expect(prose.contains("A claim<sup class=\"footnote-ref\"><a href=\"#fn1\" id=\"fnref1\">1</a></sup> and"))
        #expect(prose.contains("again<sup class=\"footnote-ref\"><a href=\"#fn1\" id=\"fnref1-2\">1</a></sup>"))
        #expect(document.summary == "A claim and $x$ again, and a note.")
    }

    @Test func undefinedReferenceIsAProblemAtItsPosition() {
        let markdown = "# T\n\nSome text\nthen é[^nope] and [^nope].\n\n| a |\n| - |\n| [^cell] |\n"
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(document.problems.map(\.location) == [
            FileLocation(file: "nb.md", line: 4, column: 7),
            FileLocation(file: "nb.md", line: 4, column: 19),
            FileLocation(file: "nb.md", line: 8, column: 3),
        ])
        #expect(document.problems.first?.message == "footnote '[^nope]' has no definition; add a line '[^nope]: its text' to the notebook")
        #expect(document.problems.first?.length == 7)
    }

    @Test func compilerReportsUndefinedReferencesWithItsErrors() {
        let markdown = "Text[^x].\n\n```swift-vae\nbogus\n```\n"
        #expect {
            _ = try NotebookCompiler.compile(MarkdownParser.parse(markdown, path: "nb.md"), source: markdown)
        } throws: { error in
            guard let errors = error as? NotebookErrors else { return false }
            return errors.diagnostics.count == 2
                && errors.diagnostics[0].headline == "nb.md:1:5: error: footnote '[^x]' has no definition; add a line '[^x]: its text' to the notebook"
                && errors.diagnostics[0].description.hasSuffix("\n  Text[^x].\n      ^~~~")
        }
    }

    @Test func definitionsInCodeAreCode() {
        let markdown = "```\n[^1]: not a definition\n```\n"
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(document.codeBlocks.first?.source == "[^1]: not a definition")
        #expect(document.problems.isEmpty)
    }

    // MARK: - Strikethrough

    @Test(arguments: [
        ("~~gone~~ and ~also~", "<del>gone</del> and <del>also</del>"),
        ("`~~code~~` stays", "<code>~~code~~</code> stays"),
        ("~~across *emphasis* too~~", "<del>across <em>emphasis</em> too</del>"),
        ("a ~~b~ c", "a ~~b~ c"),
        ("[~~link~~](https://e.com/~~x~~)", "<a href=\"https://e.com/~~x~~\"><del>link</del></a>"),
    ] as [(String, String)])
    func strikethrough(_ markdown: String, _ expected: String) {
        #expect(html(of: MarkdownParser.parse(markdown, path: "nb.md")) == "<p>\(expected)</p>\n")
    }

    @Test func titleKeepsTheTextOfStruckWords() {
        #expect(MarkdownParser.parse("# A ~~bad~~ good title\n", path: "nb.md").title == "A bad good title")
    }

    // MARK: - Helpers

    private func html(of document: Document) -> String {
        document.segments.compactMap { if case .html(let html) = $0 { html } else { nil } }.joined()
    }

    /// Smart punctuation is on in notebooks (`’` for `'`, `—` for `---`), which GFM's
    /// expected HTML has not.
    private func normalized(_ html: String) -> String {
        html.replacingOccurrences(of: "—", with: "---").replacingOccurrences(of: "–", with: "--").replacingOccurrences(of: "’", with: "'").replacingOccurrences(of: "‘", with: "'")
            .replacingOccurrences(of: "“", with: "\"").replacingOccurrences(of: "”", with: "\"")
    }
}
