import Foundation
import Notebook
import NotebookResults

/// The front end under libFuzzer: bytes in, as a notebook's file; Markdown (cmark), front
/// matter (Yams), the language compiler and checker, and the error report out. Nothing is
/// trained and nothing is written: the notebook is placed in a folder that does not exist,
/// so the files its commands name (datasets, checkpoints) are only ever looked up and missed.
///
/// Built only with `-D FUZZING` and `-sanitize=fuzzer` (see `scripts/fuzz`), where libFuzzer
/// supplies `main`; an ordinary `swift build` makes a program that says how to fuzz.
enum FrontEndFuzzing {
    /// The path the fuzzed notebook pretends to have; its folder must not exist.
    static let notebookPath = "/nonexistent-notebook-fuzz-folder/fuzzed.md"

    /// The most bytes of report one input may produce: 50 diagnostics, each a message of at
    /// most 1,000 characters and a 200-character window of its line escaped (at most 10
    /// bytes per character, `\u{10FFFF}`), plus the summary. Anything more is unbounded output.
    static let largestReport = NotebookErrors.shownLimit
        * (4 * Diagnostic.longestMessage + 12 * (Diagnostic.sourceWindow + 2) * 2 + 4_096) + 4_096

    /// One input: every stage short of running; a crash, a trap or a report over the bound is a finding.
    ///
    /// An input that does not open front matter is also compiled as the YAML of one, so every
    /// input reaches the front matter reader (Yams) as a notebook's would: mutations of the
    /// seed notebooks rarely keep a `---` first line followed by YAML.
    static func test(_ bytes: UnsafeRawBufferPointer) {
        let data = Data(bytes)
        let text: String
        do {
            text = try NotebookSource.decode(data, path: notebookPath)
        } catch {
            _ = String(describing: error)
            return
        }
        compile(text)
        if !text.hasPrefix("---") {
            // A key first, so the line after `---` is never blank (which would make it a
            // thematic break); a `---` line inside the input closes it early, as in a notebook.
            compile("---\nfuzzed: front matter\n" + text + "\n---\n\n# Fuzzed front matter\n")
        }
    }

    /// Compiles `text` as the notebook's file and checks its error report.
    static func compile(_ text: String) {
        do {
            let program = try NotebookSource.compile(text: text, path: notebookPath)
            // What `check` derives from a compiled program, and the page's document.
            _ = program.checkPlan
            _ = program.document.runnableBlocks.count
        } catch let errors as NotebookErrors {
            let report = errors.description
            precondition(report.utf8.count <= largestReport,
                         "the error report is \(report.utf8.count) bytes, over the bound of \(largestReport)")
            precondition(!report.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{0}" },
                         "the error report echoes a raw control character")
        } catch {
            _ = String(describing: error)
        }
    }
}

#if FUZZING
/// libFuzzer's driver (from the `-sanitize=fuzzer` runtime): parses its flags and calls
/// `callback` with each input. SwiftPM names an executable's entry point after its module and
/// points `main` at it, so the target calls the driver from there instead of taking
/// libFuzzer's own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The input callback by libFuzzer's conventional name: its runtime's own `main` (linked in,
/// though never called) refers to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNotebookFrontEnd(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FrontEndFuzzing.test(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@main
struct NotebookFuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzNotebookFrontEnd))
    }
}
#else
@main
struct NotebookFuzzUsage {
    static func main() {
        print("""
            NotebookFuzz is built for libFuzzer only with -D FUZZING and -sanitize=fuzzer.
            Run scripts/fuzz [seconds] (default 600), which builds it that way and runs it on
            a corpus seeded from the repository's notebooks.
            """)
    }
}
#endif
