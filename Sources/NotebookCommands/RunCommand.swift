import ArgumentParser
import Foundation
import NotebookResults
import Notebook
import Record
import Site

/// `notebook run vae.md`: check the whole notebook, run it, write its page.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a notebook and write its page to the site folder.")

    @Argument(help: "The Markdown notebook to run.")
    var notebook: String

    @OptionGroup var options: RunOptions

    @Flag(help: ArgumentHelp("Also write the run's record beside the notebook (name.record.json) for 'notebook check'."))
    var record = false

    func run() throws {
        let program = try NotebookPipeline.compile(notebook, overrides: options.overrides())
        let result = try NotebookPipeline.execute(program, options: options, command: reproducingCommand())
        try NotebookPipeline.publish([result], to: options.output, quiet: options.quiet)
        if record {
            let path = RecordFile.path(forNotebook: notebook)
            do {
                try RecordFile.write(NotebookRecord(result, plan: program.checkPlan), to: path)
            } catch {
                throw CommandFailure.notebook("\(path): error: could not write the record: \(error.localizedDescription)")
            }
            if !options.quiet { FileHandle.standardError.write(Data("wrote \(path)\n".utf8)) }
        }
    }

    /// The command line that reproduces this run, as shown in the page footer.
    func reproducingCommand() -> String {
        var words = ["notebook", "run", notebook]
        for pair in options.parameters { words += ["-p", pair] }
        if options.threads != 2 { words += ["--threads", String(options.threads)] }
        return words.joined(separator: " ")
    }
}
