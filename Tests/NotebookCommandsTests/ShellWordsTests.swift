import Foundation
import NotebookCommands
import Testing

/// The reproducing command's quoting: what stays bare, what is quoted, and that a POSIX shell
/// reads every word back as it was.
@Suite struct ShellWordsTests {
    @Test(arguments: [
        ("notebook", "notebook"),
        ("notebooks/vae.md", "notebooks/vae.md"),
        ("epochs=2", "epochs=2"),
        ("--allow-outside", "--allow-outside"),
        ("a,b:c+d@e%f_g", "a,b:c+d@e%f_g"),
        ("", "''"),
        ("my $nb.md", "'my $nb.md'"),
        ("name=a;b", "'name=a;b'"),
        ("`id`", "'`id`'"),
        ("$(touch pwned)", "'$(touch pwned)'"),
        ("it's", #"'it'\''s'"#),
        ("'", #"''\'''"#),
        ("~/data", "'~/data'"),
        ("*.md", "'*.md'"),
        ("a\nb", "'a\nb'"),
        ("café", "'café'"),
    ])
    func quotesAWordOnlyWhenItNeedsIt(word: String, quoted: String) {
        #expect(ShellWords.quote(word) == quoted)
    }

    @Test func joinsQuotedWordsWithSpaces() {
        #expect(ShellWords.join(["notebook", "run", "my nb.md", "-p", "note=a b"])
                == "notebook run 'my nb.md' -p 'note=a b'")
    }

    /// `/bin/sh` splits the joined line back into the words, expanding and running nothing.
    @Test func aShellReadsTheWordsBackUnchanged() throws {
        let words = ["printf", "%s\\0", "plain", "", "my $nb.md", "a;b", "`touch pwned`", "$(touch pwned)",
                     "it's", "''", "\\", "\"x\"", "tab\there", "line\nbreak", "*", "~", "!", "#x", "&", "|", "<>", "{a,b}"]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shell-words-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", ShellWords.join(words)]
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        #expect(process.terminationStatus == 0)
        let printed = String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
        #expect(printed == Array(words.dropFirst(2)))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("pwned").path))
    }
}
