import Foundation
import Notebook
import NotebookResults
import Testing

/// The error report stays readable and small whatever the notebook: at most 50 diagnostics,
/// a window of each long line, and no control character echoed raw.
@Suite struct ErrorReportTests {
    /// The report the command line prints for `markdown`, or nil when it compiles.
    static func report(_ markdown: String) -> NotebookErrors? {
        do {
            _ = try NotebookSource.compile(text: markdown, path: "nb.md")
            return nil
        } catch let errors as NotebookErrors {
            return errors
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func eightThousandErrorsOnOneLongLineMakeASmallReport() throws {
        // 8,000 footnote references without definitions on one 72 KB line: 8,000 errors.
        let line = (0..<8_000).map { "[^n\($0)]" }.joined(separator: " ") + "   "
        let markdown = "# Many\n\n" + line + "\n"
        #expect(line.utf8.count > 60_000)
        let errors = try #require(Self.report(markdown))
        #expect(errors.diagnostics.count == 8_000)
        let text = errors.description
        // 50 diagnostics of three short lines each, not 8,000 copies of a 72 KB line.
        #expect(text.utf8.count < 30_000)
        #expect(text.split(separator: "\n").count == 3 * NotebookErrors.shownLimit + 2)
        #expect(text.contains("… and 7,950 more errors (fix these and run again)"))
        #expect(text.hasSuffix("\n8,000 errors in nb.md"))
        #expect(text.hasPrefix("nb.md:3:1: error: footnote '[^n0]' has no definition"))
    }

    @Test func aLongLineIsShownAsAWindowWithTheCaretUnderTheMistake() throws {
        let before = String(repeating: "a", count: 5_000), after = String(repeating: "b", count: 5_000)
        let line = before + "XYZ" + after
        let diagnostic = Diagnostic(location: SourceLocation(file: "nb.md", line: 1, column: 5_001), message: "bad",
                                    length: 3, sourceLine: line)
        let shown = diagnostic.description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(shown.count == 3)
        #expect(shown[1].hasPrefix("  …a") && shown[1].hasSuffix("b…"))
        // The window, its two marks and the indentation.
        #expect(shown[1].count == Diagnostic.sourceWindow + 2 + 2)
        let caret = try #require(shown[2].firstIndex(of: "^"))
        let column = shown[2].distance(from: shown[2].startIndex, to: caret)
        let underlined = shown[1].dropFirst(column).prefix(3)
        #expect(underlined == "XYZ")
        #expect(shown[2].dropFirst(column) == "^~~")
    }

    @Test func theStartAndEndOfALongLineAreShownWithoutAMarkOnTheirSide() {
        let line = "ERR" + String(repeating: "x", count: 1_000) + "END"
        let atStart = Diagnostic(location: SourceLocation(file: "nb.md", line: 1, column: 1), message: "m",
                                 length: 3, sourceLine: line).description.split(separator: "\n")
        #expect(atStart[1].hasPrefix("  ERRx") && atStart[1].hasSuffix("x…"))
        #expect(atStart[2] == "  ^~~")
        let atEnd = Diagnostic(location: SourceLocation(file: "nb.md", line: 1, column: 1_004), message: "m",
                               length: 3, sourceLine: line).description.split(separator: "\n")
        #expect(atEnd[1].hasPrefix("  …x") && atEnd[1].hasSuffix("xEND"))
        #expect(atEnd[2].hasSuffix("^~~") && atEnd[2].count == atEnd[1].count)
    }

    @Test func fiftyErrorsAreShownWhole() throws {
        let markdown = "# Fifty\n\n" + (0..<50).map { "[^n\($0)]" }.joined(separator: "\n\n") + "\n"
        let text = try #require(Self.report(markdown)).description
        #expect(!text.contains("more error"))
        #expect(text.hasSuffix("\n50 errors in nb.md"))
    }

    @Test func invalidUTF8NamesTheLineOfTheFirstBadByteInOnePass() throws {
        // 200,000 lines before the bad byte: a scan decoding every prefix again would never finish.
        var bytes = Array(String(repeating: "é\n", count: 200_000).utf8)
        bytes += [0x61, 0xC3, 0x28, 0x0A, 0xFF]
        let error = try #require(throws: NotebookFileError.self) { try NotebookSource.decode(Data(bytes), path: "nb.md") }
        #expect(error.description == "nb.md: error: is not valid UTF-8 (first bad byte on line 200001); save it as UTF-8")
    }

    @Test func aHugeMessageIsCut() {
        let word = String(repeating: "w", count: 50_000)
        let diagnostic = Diagnostic(location: SourceLocation(file: "nb.md", line: 1, column: 1),
                                    message: "unknown command '\(word)'")
        #expect(diagnostic.headline.count < Diagnostic.longestMessage + 40)
        #expect(diagnostic.headline.hasSuffix("w…"))
    }
}

/// Control characters from a notebook never reach the terminal raw.
@Suite struct TerminalTextTests {
    @Test func controlCharactersAndBidiOverridesAreEscapedTheSwiftWay() {
        #expect(TerminalText.escaped("a\u{1B}[2Jb") == "a\\u{1B}[2Jb")
        #expect(TerminalText.escaped("nul\u{0}") == "nul\\u{0}")
        #expect(TerminalText.escaped("c1\u{9B}31m") == "c1\\u{9B}31m")
        #expect(TerminalText.escaped("del\u{7F}") == "del\\u{7F}")
        #expect(TerminalText.escaped("x\u{202E}gpj.md") == "x\\u{202E}gpj.md")
        #expect(TerminalText.escaped("iso\u{2066}late\u{2069}") == "iso\\u{2066}late\\u{2069}")
        #expect(TerminalText.escaped("line\nbreak\r") == "line\\u{A}break\\u{D}")
    }

    @Test func ordinaryTextTabsAndNonASCIIStayAsTheyAre() {
        #expect(TerminalText.escaped("β-VAE: σ² → ∞ 😀") == "β-VAE: σ² → ∞ 😀")
        #expect(TerminalText.escaped("a\tb") == "a\tb")
        #expect(TerminalText.escaped("a\tb", keepingTabs: false) == "a\\u{9}b")
    }

    @Test func anEscapeByteInACommandIsShownEscapedWithTheCaretUnderIt() throws {
        let markdown = "# T\n\n```swift-vae\nseed \u{1B}x\n```\n"
        let text = try #require(ErrorReportTests.report(markdown)).description
        #expect(!text.unicodeScalars.contains("\u{1B}"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("nb.md:4:6: error: ") && lines[0].contains("\\u{1B}x"))
        #expect(lines[1] == "  seed \\u{1B}x")
        // The caret under the whole escaped word, not under its first few columns.
        #expect(lines[2] == "       ^~~~~~~")
    }

    @Test func aCaretAfterAnEscapeMovesRightByTheEscapesWidth() {
        let diagnostic = Diagnostic(location: SourceLocation(file: "nb.md", line: 1, column: 4), message: "m",
                                    length: 2, sourceLine: "\u{0}\t\u{202E}ab")
        #expect(diagnostic.description == "nb.md:1:4: error: m\n  \\u{0}\t\\u{202E}ab\n       \t        ^~")
    }

    @Test func aNulInProseOrATitleIsNotEchoedRaw() throws {
        let markdown = "---\ntitle: \u{0}\u{1B}]0;pwned\u{7}\nbogus: 1\n---\n# T\n\n[^a\u{1B}]\n"
        let text = try #require(ErrorReportTests.report(markdown)).description
        #expect(!text.unicodeScalars.contains { TerminalText.needsEscape($0) && $0 != "\n" })
    }
}
