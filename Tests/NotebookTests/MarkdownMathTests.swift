import Notebook
import NotebookResults
import NotebookResults
import Testing

/// Maths in prose reaches the page as MathML through the Markdown stage.
@Suite struct MarkdownMathTests {
    @Test func markdownProseGetsMathML() {
        let document = MarkdownParser.parse("A paragraph with $x_1$.\n", path: "nb.md")
        #expect(document.segments == [.html("""
            <p>A paragraph with <span class="math inline"><math display="inline"><semantics>\
            <msub><mi>x</mi><mn>1</mn></msub><annotation encoding="application/x-tex">x_1</annotation>\
            </semantics></math></span>.</p>

            """)])
    }

    @Test func markdownDisplayMathsIsABlockMathElement() {
        let document = MarkdownParser.parse("Bound:\n$$\\log p(x) \\ge 0$$\n", path: "nb.md")
        guard case .html(let html) = document.segments.first else {
            Issue.record("no HTML")
            return
        }
        #expect(html.contains(#"<span class="math display"><math display="block"><semantics><mrow><mi>log</mi>"#))
        #expect(html.contains(#"<annotation encoding="application/x-tex">\log p(x) \ge 0</annotation>"#))
        #expect(!html.contains(#"\["#))
    }

}
