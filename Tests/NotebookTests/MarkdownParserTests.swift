import GeneratedInput
import Notebook
import TeXMathML
import NotebookResults
import Testing

private typealias FileLocation = NotebookResults.SourceLocation

/// Tests of the Markdown stage through its public API: `MarkdownParser.parse` and `Document`.
@Suite struct MarkdownParserTests {
    // MARK: - Whole document

    @Test func wholeNotebookDump() {
        let markdown = """
            # A *small* VAE

            Intro with `code` and a [link](https://example.com).

            ```swift-vae {#setup}
            seed 42
            data mnist
            ```

            - step one

              ```swift-vae
              train epochs=1
              ```

            > ~~~python
            > print(1)
            > ~~~

                indented code

            The end.
            """
        let expected = """
            title: A small VAE
            summary: Intro with code and a link.
            html
              <h1>A <em>small</em> VAE</h1>
            contents
            html
              <p>Intro with <code>code</code> and a <a href="https://example.com">link</a>.</p>
            code #0 swift-vae {#setup} at nb.md:5:1, content 6:1, runnable
              | seed 42
              | data mnist
            html
              <ul>
              <li>
              <p>step one</p>
            code #1 swift-vae at nb.md:12:3, content 13:3, runnable
              | train epochs=1
            html
              </li>
              </ul>
              <blockquote>
            code #2 python at nb.md:16:3, content 17:3
              | print(1)
            html
              </blockquote>
            code #3 (no language) at nb.md:20:5, content 20:5
              | indented code
            html
              <p>The end.</p>

            """
        expectDump(MarkdownParser.parse(markdown, path: "nb.md"), expected)
    }

    @Test func emptyDocumentHasNoSegments() {
        let document = MarkdownParser.parse("", path: "empty.md")
        #expect(document == Document(path: "empty.md", title: nil, segments: []))
    }

    @Test func proseOnlyIsOneHTMLSegment() {
        let document = MarkdownParser.parse("Just *prose*.\n", path: "p.md")
        #expect(document.segments == [.html("<p>Just <em>prose</em>.</p>\n")])
        #expect(document.codeBlocks.isEmpty)
    }

    // MARK: - Positions

    struct PositionCase: CustomTestStringConvertible, Sendable {
        var name: String
        var markdown: String
        var fence: (line: Int, column: Int)
        var content: (line: Int, column: Int)
        var source: String
        var testDescription: String { name }
    }

    static let positionCases: [PositionCase] = [
        .init(name: "top level", markdown: "text\n\n```swift-vae\nseed 1\n```\n",
              fence: (3, 1), content: (4, 1), source: "seed 1"),
        .init(name: "fence indented by two", markdown: "  ```swift-vae\n  seed 1\n  ```\n",
              fence: (1, 3), content: (2, 3), source: "seed 1"),
        .init(name: "list item", markdown: "- item\n\n  ```swift-vae\n  seed 1\n  ```\n",
              fence: (3, 3), content: (4, 3), source: "seed 1"),
        .init(name: "fence on the list marker's line", markdown: "- ```swift-vae\n  seed 1\n  ```\n",
              fence: (1, 3), content: (2, 3), source: "seed 1"),
        .init(name: "ordered list item", markdown: "10. item\n\n    ```swift-vae\n    seed 1\n    ```\n",
              fence: (3, 5), content: (4, 5), source: "seed 1"),
        .init(name: "nested list", markdown: "- a\n  - b\n\n    ```swift-vae\n    seed 1\n    ```\n",
              fence: (4, 5), content: (5, 5), source: "seed 1"),
        .init(name: "block quote", markdown: "> ```swift-vae\n> seed 1\n> ```\n",
              fence: (1, 3), content: (2, 3), source: "seed 1"),
        .init(name: "list in block quote", markdown: "> - item\n>\n>   ```swift-vae\n>   seed 1\n>   ```\n",
              fence: (3, 5), content: (4, 5), source: "seed 1"),
        .init(name: "block quote in list", markdown: "- item\n\n  > ```swift-vae\n  > seed 1\n  > ```\n",
              fence: (3, 5), content: (4, 5), source: "seed 1"),
        .init(name: "indented block", markdown: "para\n\n    seed 1\n    seed 2\n",
              fence: (3, 5), content: (3, 5), source: "seed 1\nseed 2"),
        .init(name: "indented block in list", markdown: "- item\n\n      seed 1\n",
              fence: (3, 7), content: (3, 7), source: "seed 1"),
        .init(name: "indented block starting like a fence", markdown: "para\n\n    ```\n    x\n",
              fence: (3, 5), content: (3, 5), source: "```\nx"),
        .init(name: "indented block with tab", markdown: "para\n\n\tseed 1\n",
              fence: (3, 2), content: (3, 2), source: "seed 1"),
        .init(name: "unclosed fence runs to the end", markdown: "```swift-vae\nseed 1\n",
              fence: (1, 1), content: (2, 1), source: "seed 1"),
    ]

    @Test(arguments: positionCases)
    func codeBlockPositions(_ testCase: PositionCase) throws {
        let document = MarkdownParser.parse(testCase.markdown, path: "nb.md")
        let block = try #require(document.codeBlocks.first)
        #expect(document.codeBlocks.count == 1)
        #expect(block.fenceLocation == FileLocation(file: "nb.md", line: testCase.fence.line, column: testCase.fence.column))
        #expect(block.firstContentLine == testCase.content.line)
        #expect(block.contentColumn == testCase.content.column)
        #expect(block.source == testCase.source)
        #expect(block.index == 0)
    }

    @Test func locationInsideBlockPointsIntoTheFile() throws {
        let markdown = "# T\n\n- item\n\n  ```swift-vae\n  seed 1\n  train epochs=x\n  ```\n"
        let block = try #require(MarkdownParser.parse(markdown, path: "vae.md").runnableBlocks.first)
        // `x` in `epochs=x` is on block line 1, column 13 (0-based).
        let location = block.location(ofLine: 1, column: 13)
        #expect(location.description == "vae.md:7:16")
        let line = markdown.split(separator: "\n", omittingEmptySubsequences: false)[location.line - 1]
        #expect(Array(line)[location.column - 1] == "x")
    }

    // MARK: - Fences and info strings

    struct InfoCase: Sendable, CustomTestStringConvertible {
        var fence: String
        var language: String
        var attributes: String
        var testDescription: String { fence }
    }

    static let infoCases: [InfoCase] = [
        .init(fence: "```swift-vae", language: "swift-vae", attributes: ""),
        .init(fence: "~~~swift-vae", language: "swift-vae", attributes: ""),
        .init(fence: "````swift-vae", language: "swift-vae", attributes: ""),
        .init(fence: "~~~~~ swift-vae", language: "swift-vae", attributes: ""),
        .init(fence: "```swift-vae {#train}", language: "swift-vae", attributes: "{#train}"),
        .init(fence: "```swift-vae   {#train .slow}  ", language: "swift-vae", attributes: "{#train .slow}"),
        .init(fence: "```swift-vae\tcache=off", language: "swift-vae", attributes: "cache=off"),
        .init(fence: "```python", language: "python", attributes: ""),
        .init(fence: "```", language: "", attributes: ""),
        .init(fence: "~~~ swift-vae ~~~", language: "swift-vae", attributes: "~~~"),
    ]

    @Test(arguments: infoCases)
    func fencesAndInfoStrings(_ testCase: InfoCase) throws {
        let closing = String(testCase.fence.prefix { $0 == "`" || $0 == "~" })
        let markdown = "\(testCase.fence)\nseed 1\n\(closing)\nafter\n"
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        let block = try #require(document.codeBlocks.first)
        #expect(block.language == testCase.language)
        #expect(block.attributes == testCase.attributes)
        #expect(block.source == "seed 1")
        #expect(block.firstContentLine == 2)
        #expect(block.isRunnable == (testCase.language == "swift-vae"))
        #expect(document.segments.last == .html("<p>after</p>\n"))
    }

    @Test func fenceLongerThanContentBackticks() throws {
        let markdown = "````swift-vae\n```\nseed 1\n````\n"
        let block = try #require(MarkdownParser.parse(markdown, path: "nb.md").codeBlocks.first)
        #expect(block.source == "```\nseed 1")
        #expect(block.firstContentLine == 2)
    }

    @Test func otherLanguagesAreKeptButNotRunnable() {
        let markdown = """
            ```python
            import torch
            ```

            ```swift-vae
            seed 1
            ```

            ```
            plain
            ```

                indented
            """
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(document.codeBlocks.map(\.language) == ["python", "swift-vae", "", ""])
        #expect(document.codeBlocks.map(\.isRunnable) == [false, true, false, false])
        #expect(document.codeBlocks.map(\.index) == [0, 1, 2, 3])
        #expect(document.runnableBlocks.map(\.source) == ["seed 1"])
        // Consecutive blocks have no empty prose between them.
        #expect(document.segments.count == 4)
    }

    // MARK: - Content

    @Test(arguments: ["```swift-vae\n```\n", "~~~swift-vae\n~~~", "```swift-vae\n"])
    func emptyBlock(_ markdown: String) throws {
        let block = try #require(MarkdownParser.parse(markdown, path: "nb.md").codeBlocks.first)
        #expect(block.source == "")
        #expect(block.firstContentLine == 2)
        #expect(block.isRunnable)
    }

    @Test func crlfGivesTheSameDocumentAsLF() {
        let lf = "# Title\n\nSome *prose*\nover two lines.\n\n- item\n\n  ```swift-vae {#a}\n  seed 1\n\n  train\n  ```\n\nEnd $x_1$.\n"
        let crlf = lf.replacingAll("\n", with: "\r\n")
        let cr = lf.replacingAll("\n", with: "\r")
        let expected = MarkdownParser.parse(lf, path: "nb.md")
        #expect(MarkdownParser.parse(crlf, path: "nb.md") == expected)
        #expect(MarkdownParser.parse(cr, path: "nb.md") == expected)
        #expect(expected.codeBlocks.first?.source == "seed 1\n\ntrain")
        #expect(expected.codeBlocks.first?.fenceLocation.line == 8)
    }

    @Test func byteOrderMarkIsIgnored() throws {
        let document = MarkdownParser.parse("\u{FEFF}```swift-vae\nseed 1\n```\n", path: "nb.md")
        let block = try #require(document.codeBlocks.first)
        #expect(block.fenceLocation.description == "nb.md:1:1")
        #expect(block.source == "seed 1")
    }

    @Test func tabsAreKept() throws {
        let markdown = "Prose\twith a tab.\n\n```swift-vae\n\tseed 1\t# tab\nseed\t2\n```\n"
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        let block = try #require(document.codeBlocks.first)
        #expect(block.source == "\tseed 1\t# tab\nseed\t2")
        #expect(block.contentColumn == 1)
        #expect(document.segments.first == .html("<p>Prose\twith a tab.</p>\n"))
    }

    @Test func nonASCIIProseAndCode() throws {
        let markdown = """
            # Café 日本語 🧪

            Prose: é, 日本語, emoji 🎲 and $\\alpha_日$.

            > Zitat mit Umlauten: äöü
            > ```swift-vae
            > # Kommentar: λ → 😀
            > seed 7
            > ```
            """
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(document.title == "Café 日本語 🧪")
        let block = try #require(document.codeBlocks.first)
        #expect(block.source == "# Kommentar: λ → 😀\nseed 7")
        #expect(block.fenceLocation == FileLocation(file: "nb.md", line: 6, column: 3))
        #expect(block.contentColumn == 3)
        #expect(html(of: document).contains("<p>Prose: é, 日本語, emoji 🎲 and " + inlineMath(#"\alpha_日"#) + ".</p>"))
        #expect(html(of: document).contains("<p>Zitat mit Umlauten: äöü</p>"))
    }

    @Test func rawHTMLInProseIsKept() {
        let document = MarkdownParser.parse("<div class=\"note\">\nraw\n</div>\n\nA <kbd>key</kbd>.\n", path: "nb.md")
        #expect(html(of: document) == "<div class=\"note\">\nraw\n</div>\n<p>A <kbd>key</kbd>.</p>\n")
    }

    // MARK: - Well-formed nesting

    @Test(arguments: [
        "- a\n\n  ```swift-vae\n  seed 1\n  ```\n\n  more\n- b\n",
        "- ```swift-vae\n  seed 1\n  ```\n- ```swift-vae\n  seed 2\n  ```\n",
        "> quote\n>\n> ```swift-vae\n> seed 1\n> ```\n>\n> - in list\n>\n>   ```\n>   x\n>   ```\n",
        "1. one\n   - two\n\n     > three\n     >\n     >     indented\n\nafter\n",
        "```swift-vae\nseed 1\n```\n```swift-vae\nseed 2\n```\n",
    ])
    func segmentsNestWellAroundBlocks(_ markdown: String) {
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(!document.codeBlocks.isEmpty)
        // The page puts a block's own HTML where the block is; the whole must balance.
        let page = document.segments.map { segment in
            switch segment {
            case .html(let html): html
            case .code(let block): "<figure><pre><code>\(block.source)</code></pre></figure>\n"
            case .contents: "<nav></nav>\n"
            }
        }.joined()
        #expect(unbalancedTags(in: page) == [], "\(page)")
    }

    // MARK: - Title

    @Test(arguments: [
        ("# Title\n", "Title"),
        ("Intro\n\n## Sub\n\n# Main *VAE* `code`\n\n# Second\n", "Main VAE code"),
        ("Setext\n======\n", "Setext"),
        ("## Only level two\n", nil),
        ("No heading\n", nil),
        ("#    \n\n# Real\n", "Real"),
        ("# The $\\beta$-VAE\n", "The $\\beta$-VAE"),
        ("# A [link](u) and <b>html</b> & \"quotes\"\n", "A link and html & “quotes”"),
    ] as [(String, String?)])
    func title(_ markdown: String, _ expected: String?) {
        #expect(MarkdownParser.parse(markdown, path: "nb.md").title == expected)
    }

    // MARK: - Maths

    @Test(arguments: [
        // Underscores, asterisks and backslashes survive.
        ("$a_b * c_d$", inlineMath("a_b * c_d")),
        ("$x*y*z$ and $p_1 q_1$", inlineMath("x*y*z") + " and " + inlineMath("p_1 q_1")),
        (#"$\{x\} \\ \mathbf{z}$"#, inlineMath(#"\{x\} \\ \mathbf{z}"#)),
        (#"$a < b \& c > d$"#, inlineMath(#"a < b \& c > d"#)),
        ("$$\\sum_i x_i^2$$", displayMath(#"\sum_i x_i^2"#)),
        ("$$ a_b $$", displayMath("a_b")),
        // Pandoc's delimiter rules.
        ("costs $20,000 and $30,000", "costs $20,000 and $30,000"),
        ("$ x$ and $x $", "$ x$ and $x $"),
        ("$x$5 is not maths", "$x$5 is not maths"),
        ("$x$, then $y$.", inlineMath("x") + ", then " + inlineMath("y") + "."),
        (#"a\$b$ is a dollar"#, "a$b$ is a dollar"),
        (#"\$x$ and $y\$"#, "$x$ and $y$"),
        (#"$a\$b$"#, inlineMath(#"a\$b"#)),
        (#"$\text{a $ b}$"#, inlineMath(#"\text{a $ b}"#)),
        // Code spans, HTML and link destinations hide dollars; maths hides backticks.
        ("`$a_b$` and ``$x`$``", "<code>$a_b$</code> and <code>$x`$</code>"),
        ("$`x`$", inlineMath("`x`")),
        (#"<span title="$x_1$">$y_1$</span>"#, #"<span title="$x_1$">"# + inlineMath("y_1") + "</span>"),
        ("[$x_1$](https://e.com/$a_b$)", #"<a href="https://e.com/$a_b$">"# + inlineMath("x_1") + "</a>"),
        ("<https://e.com/$a$b$>", #"<a href="https://e.com/$a$b$">https://e.com/$a$b$</a>"#),
        ("![$x_1$](i.png)", #"<img src="i.png" alt="$x_1$" />"#),
        // Emphasis around maths still works.
        ("*see $a_b$*", "<em>see " + inlineMath("a_b") + "</em>"),
        ("a $b$ `c` $d$", "a " + inlineMath("b") + " <code>c</code> " + inlineMath("d")),
    ] as [(String, String)])
    func inlineMaths(_ markdown: String, _ expected: String) {
        #expect(html(of: MarkdownParser.parse(markdown, path: "nb.md")) == "<p>\(expected)</p>\n")
    }

    @Test func multiLineDisplayMathsKeepsLinesAndStructure() {
        let markdown = """
            Before
            $$
            \\mathcal{L} = \\mathbb{E}_{q}[\\log p(x|z)]
              - \\mathrm{KL}(q_\\phi \\| p)
            $$
            after.

            > Quoted $$a_1
            > + b_2$$ end.

            ```swift-vae
            seed 1
            ```
            """
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(html(of: document) == """
            <p>Before
            \(displayMath("\\mathcal{L} = \\mathbb{E}_{q}[\\log p(x|z)]\n- \\mathrm{KL}(q_\\phi \\| p)"))
            after.</p>
            <blockquote>
            <p>Quoted \(displayMath("a_1\n+ b_2")) end.</p>
            </blockquote>

            """)
        #expect(document.codeBlocks.first?.fenceLocation.description == "nb.md:11:1")
        #expect(document.codeBlocks.first?.firstContentLine == 12)
    }

    @Test func displayMathsRunsOnOverLinesCmarkWouldStartBlocksWith() {
        // `- x`, `+ y`, `* z` and `1. w` would start list items; inside `$$` they are TeX.
        let markdown = "$$\na\n- x\n+ y\n* z\n1. w\n$$ done\n\n```swift-vae\nseed 1\n```\n"
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(html(of: document) == "<p>" + displayMath("a\n- x\n+ y\n* z\n1. w") + " done</p>\n")
        #expect(document.codeBlocks.first?.fenceLocation.line == 9)
    }

    @Test(arguments: [
        // Inline maths stays in its paragraph: these are two list items.
        ("- from $5\n- to 8$\n", "<ul>\n<li>from $5</li>\n<li>to 8$</li>\n</ul>\n"),
        // No maths across a blank line.
        ("$$a\n\nb$$\n", "<p>$$a</p>\n<p>b$$</p>\n"),
        ("$a\n\nb$\n", "<p>$a</p>\n<p>b$</p>\n"),
        // Inline maths may span lines inside a paragraph.
        ("$a +\nb$\n", "<p>" + inlineMath("a +\nb") + "</p>\n"),
        ("> $a +\n> b$\n", "<blockquote>\n<p>" + inlineMath("a +\nb") + "</p>\n</blockquote>\n"),
    ] as [(String, String)])
    func mathsAndBlockBoundaries(_ markdown: String, _ expected: String) {
        #expect(html(of: MarkdownParser.parse(markdown, path: "nb.md")) == expected)
    }

    @Test func mathsInCodeBlocksIsUntouched() throws {
        let markdown = "$a_1$\n\n```swift-vae\nparam lr = $lr_1 # $x$\n```\n\n    $b_2$\n"
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(document.codeBlocks.map(\.source) == ["param lr = $lr_1 # $x$", "$b_2$"])
    }

    @Test func codeBlockLinesAreExactAfterMaths() {
        let markdown = """
            # The $\\beta$-VAE

            Inline $q_\\phi(z|x)$ and display maths over lines:
            $$
            \\log p(x) \\geq
            \\mathbb{E}[\\log p(x|z)] - \\beta\\,\\mathrm{KL}
            $$
            and a dollar \\$5 with $$x_1$$ more.

            - item with $$a_1
              + b_1$$ across lines

              ```swift-vae
              seed 1
              ```

            > $$
            > y_2
            > $$

            ~~~swift-vae {#last}
            show samples 4
            ~~~
            """
        let expected = """
            title: The $\\beta$-VAE
            summary: Inline $q_\\phi(z|x)$ and display maths over lines: $$\\log p(x) \\geq \\mathbb{E}[\\log p(x|z)] - \\beta\\,\\mathrm{KL}$$ and a dollar $5 with $$x_1$$ more.
            html
              <h1>The \(inlineMath("\\beta"))-VAE</h1>
            contents
            html
              <p>Inline \(inlineMath("q_\\phi(z|x)")) and display maths over lines:
              \(displayMath("\\log p(x) \\geq\n\\mathbb{E}[\\log p(x|z)] - \\beta\\,\\mathrm{KL}").replacingAll("\n", with: "\n  "))
              and a dollar $5 with \(displayMath("x_1")) more.</p>
              <ul>
              <li>
              <p>item with \(displayMath("a_1\n+ b_1").replacingAll("\n", with: "\n  ")) across lines</p>
            code #0 swift-vae at nb.md:13:3, content 14:3, runnable
              | seed 1
            html
              </li>
              </ul>
              <blockquote>
              <p>\(displayMath("y_2"))</p>
              </blockquote>
            code #1 swift-vae {#last} at nb.md:21:1, content 22:1, runnable
              | show samples 4

            """
        expectDump(MarkdownParser.parse(markdown, path: "nb.md"), expected)
    }

    @Test func placeholderLookalikesInTheSourceAreLeftAlone() {
        // Whatever the parser uses internally must not clash with the user's text.
        let markdown = "nbQxM0P0E nbQxqM0P0E <!--nbQxC0--> $y$\n\n```swift-vae\nseed 1\n```\n"
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(document.segments.first == .html("<p>nbQxM0P0E nbQxqM0P0E <!--nbQxC0--> " + inlineMath("y") + "</p>\n"))
        #expect(document.codeBlocks.count == 1)
    }

    // MARK: - Robustness

    /// Random soup of Markdown, maths and HTML fragments: parsing never traps, no internal
    /// placeholder reaches the output, and every fenced block's location shows its fence.
    @Test func randomInputKeepsInvariants() {
        let pieces = ["$", "$$", "`", "```", "~~~", "\n", "\n\n", "> ", "- ", "+ ", "1. ", "  ", "    ", "\t",
                      "a", "_", "*", "\\", "<", ">", "[", "]", "(", ")", "](", "é", "日", "\r\n", "\r", "=\n",
                      "#", "swift-vae", "<!--", "-->", "\"", "{", "}", "\\text{", "<b x='$'>"]
        var generator = SplitMix64(seed: 2024)
        for _ in 0..<3000 {
            let count = Int(generator.next() % 60)
            let markdown = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let document = MarkdownParser.parse(markdown, path: "r.md")
            let output = html(of: document) + (document.title ?? "")
            #expect(!output.contains("nbQx"), "\(markdown.debugDescription)")
            let lines = fileLines(markdown)
            for block in document.codeBlocks where !block.language.isEmpty {
                guard block.fenceLocation.line <= lines.count else {
                    Issue.record("line \(block.fenceLocation.line) is past the end: \(markdown.debugDescription)")
                    continue
                }
                let line = lines[block.fenceLocation.line - 1]
                let fence = line.dropFirst(block.fenceLocation.column - 1).prefix(3)
                #expect(fence.elementsEqual("```".utf8) || fence.elementsEqual("~~~".utf8), "\(markdown.debugDescription)")
            }
        }
    }

    // MARK: - Helpers

    /// The file's lines as UTF-8 bytes, split at LF, CRLF or CR, as editors count them.
    private func fileLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 10 && previousWasCR { previousWasCR = false; continue }
            previousWasCR = byte == 13
            if byte == 10 || byte == 13 { lines.append([]) } else { lines[lines.count - 1].append(byte) }
        }
        return lines
    }

    /// All HTML segments joined.
    private func html(of document: Document) -> String {
        document.segments.compactMap { if case .html(let html) = $0 { html } else { nil } }.joined()
    }

    private func expectDump(_ document: Document, _ expected: String,
                            sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let actual = dump(document)
        #expect(actual == expected, "\n--- actual ---\n\(actual)", sourceLocation: sourceLocation)
    }

    /// The document as text: the title, then each segment with its kind, language,
    /// location and content, content lines indented.
    private func dump(_ document: Document) -> String {
        var lines = ["title: \(document.title ?? "(none)")", "summary: \(document.summary ?? "(none)")"]
        lines += document.headings.map { "heading \($0.level) #\($0.anchor): \($0.text)" }
        for segment in document.segments {
            switch segment {
            case .contents:
                lines.append("contents")
            case .html(let html):
                lines.append("html")
                var htmlLines = html.split(separator: "\n", omittingEmptySubsequences: false)
                if htmlLines.last == "" { htmlLines.removeLast() }
                lines += htmlLines.map { "  \($0)" }
            case .code(let block):
                var header = "code #\(block.index) \(block.language.isEmpty ? "(no language)" : block.language)"
                if !block.attributes.isEmpty { header += " \(block.attributes)" }
                header += " at \(block.fenceLocation), content \(block.firstContentLine):\(block.contentColumn)"
                if block.isRunnable { header += ", runnable" }
                lines.append(header)
                lines += block.source.split(separator: "\n", omittingEmptySubsequences: false).map { "  | \($0)" }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Tags left open or closed without opening, in order (void elements and comments ignored).
    private func unbalancedTags(in html: String) -> [String] {
        let void: Set<String> = ["br", "hr", "img", "input", "meta", "link"]
        var stack: [String] = []
        var problems: [String] = []
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
            let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }).lowercased()
            if void.contains(name) { continue }
            if tag.hasPrefix("/") {
                if stack.last == name { stack.removeLast() } else { problems.append("</\(name)>") }
            } else {
                stack.append(name)
            }
        }
        return problems + stack.map { "<\($0)>" }
    }
}

/// The HTML of inline maths: the span wrapper around the converter's MathML (whose output
/// `TeXToMathMLTests` checks); here only which TeX lands where matters.
private func inlineMath(_ tex: String) -> String {
    #"<span class="math inline">"# + TeXToMathML.math(tex, display: false) + "</span>"
}

/// The HTML of display maths, as `inlineMath`.
private func displayMath(_ tex: String) -> String {
    #"<span class="math display">"# + TeXToMathML.math(tex, display: true) + "</span>"
}
