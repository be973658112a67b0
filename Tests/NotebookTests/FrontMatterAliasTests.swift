import Foundation
import Notebook
import NotebookResults
import Testing

/// YAML aliases in front matter: a few are settings written once, a "billion laughs" (nested
/// aliases that expand to billions of nodes from under a kilobyte) is an error at its line,
/// found quickly, whatever key it hides under.
@Suite struct FrontMatterAliasTests {
    /// `levels` anchored lists, each of nine aliases of the one before, under `key`: 9^levels
    /// strings from a few hundred bytes. With `mappings`, nested mappings instead of lists.
    static func bomb(levels: Int, under key: String = "extra", mappings: Bool = false) -> String {
        var lines = ["\(key):"]
        for level in 0..<levels {
            let items = (0..<9).map { index in
                let value = level == 0 ? "\"lol\"" : "*l\(level - 1)"
                return mappings ? "k\(index): \(value)" : value
            }
            lines.append(mappings ? "  l\(level): &l\(level) {\(items.joined(separator: ", "))}"
                                  : "  l\(level): &l\(level) [\(items.joined(separator: ", "))]")
        }
        return lines.joined(separator: "\n")
    }

    static func notebook(frontMatter: String) -> String {
        "---\ntitle: Laughs\n\(frontMatter)\n---\n\n# T\n\n```swift-vae\nseed 1\n```\n"
    }

    /// The headlines of the notebook's errors, and how long parsing and compiling took.
    static func compile(_ markdown: String) -> (errors: [String], seconds: Double) {
        let start = Date()
        var errors: [String] = []
        do {
            _ = try NotebookCompiler.compile(MarkdownParser.parse(markdown, path: "nb.md"), source: markdown)
        } catch let notebookErrors as NotebookErrors {
            errors = notebookErrors.diagnostics.map(\.headline)
        } catch {
            errors = ["unexpected: \(error)"]
        }
        return (errors, Date().timeIntervalSince(start))
    }

    static let message = "front matter expands to more than 100000 YAML nodes through its aliases "
        + "(each '*name' repeats everything its anchor holds); write the values out"

    @Test(arguments: [false, true])
    func aBillionLaughsIsAnErrorAtItsKey(mappings: Bool) {
        let yaml = Self.bomb(levels: 9, mappings: mappings)
        #expect(yaml.utf8.count < 1000)
        let (errors, seconds) = Self.compile(Self.notebook(frontMatter: yaml))
        // The bomb's key, `extra`, is the file's line 3.
        #expect(errors == ["nb.md:3:1: error: \(Self.message)"])
        #expect(seconds < 5, "took \(seconds) s")
    }

    @Test func aBillionLaughsAsTheWholeFrontMatterIsAnErrorAtItsStart() {
        // Not a mapping: the count comes before the check that the front matter is one.
        let yaml = "- &a [x, x, x, x, x, x, x, x, x, x]\n" + (1..<6).map { level in
            "- &\(Character(UnicodeScalar(97 + level)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10)
                .joined(separator: ", ") + "]"
        }.joined(separator: "\n")
        let markdown = "---\n\(yaml)\n---\n\n# T\n"
        #expect(MarkdownParser.parse(markdown, path: "nb.md").frontMatter.problems.map(\.message) == [Self.message])
        #expect(MarkdownParser.parse(markdown, path: "nb.md").frontMatter.problems.map(\.location.line) == [2])
    }

    @Test func aFewAliasesStillWork() throws {
        let markdown = """
            ---
            title: Aliases
            defaults: &checks
              tolerance: 0.01
            check: *checks
            sizes: &size 3
            params:
              epochs: *size
            ---

            # T

            ```swift-vae
            seed 1
            ```
            """
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(document.frontMatter.problems.isEmpty)
        let entries = document.frontMatter.entries.map { "\($0.key)=\($0.value)" }
        #expect(entries.contains("check.tolerance=0.01"))
        #expect(entries.contains("params.epochs=3"))
        let program = try NotebookCompiler.compile(document, source: markdown)
        #expect(program.tolerance.relative == 0.01)
    }

    /// Just under the limit is read: 9⁵ = 59,049 strings, with the lists and keys holding them.
    @Test func anExpansionUnderTheLimitIsRead() {
        let markdown = Self.notebook(frontMatter: Self.bomb(levels: 5))
        #expect(MarkdownParser.parse(markdown, path: "nb.md").frontMatter.problems.isEmpty)
    }
}
