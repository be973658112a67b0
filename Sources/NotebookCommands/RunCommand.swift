import ArgumentParser
import Foundation
import SystemErrors
import NotebookResults
import Notebook
import Publishing
import Record
import Site

/// `notebook run vae.md`: check the whole notebook, run it, write its page.
public struct RunCommand: ReportingCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a notebook and write its page to the site folder.")

    @Argument(help: "The Markdown notebook to run.")
    public var notebook: String

    @OptionGroup public var parameters: ParameterOptions
    @OptionGroup public var site: SiteOptions
    @OptionGroup public var runner: RunnerOptions<FixedThreads>
    @OptionGroup public var cache: CacheOptions
    @OptionGroup public var confinement: ConfinementOptions

    @Flag(help: ArgumentHelp("Also write the run's record beside the notebook (name.record.json) for 'notebook check'."))
    public var record = false

    public func execute() throws -> String? {
        _ = try SourceDateEpoch.date()
        let overrides = try parameters.overrides()
        let program = try NotebookPipeline.compile(notebook, overrides: overrides,
                                                   allowedOutside: confinement.folders)
        try NotebookPipeline.checkImages(program)
        try site.checkWritable()
        // Everything the run writes waits beside the site until the run has succeeded.
        let staging = StagingArea(besideSite: URL(fileURLWithPath: site.output))
        defer { staging.discard() }
        let outputs = PendingOutputs(staging: staging)
        // A record is made cold, so what it holds never depends on what a cache held.
        let result = try NotebookPipeline.execute(program, threads: runner.threadCount, quiet: runner.quiet,
                                                  overrides: overrides, command: reproducingCommand(),
                                                  cache: try cache.cache(forNotebook: notebook), reuse: !record,
                                                  outputs: outputs)
        let path = RecordFile.path(forNotebook: notebook)
        if record {
            do {
                try outputs.stage(RecordFile.encode(NotebookRecord(result, plan: program.checkPlan)),
                                  for: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure.notebook("\(path): error: could not write the record: "
                                              + "\(SystemErrorReason.reason(for: error)); nothing was written")
            }
        }
        try NotebookPipeline.publish([result], to: site.output, quiet: runner.quiet, holder: "notebook \(notebook)",
                                     committing: [outputs], allowedOutside: confinement.folders)
        if record, !runner.quiet { FileHandle.standardError.write(Data("wrote \(path)\n".utf8)) }
        return nil
    }

    /// The command line that reproduces this run, as shown in the page footer: each word
    /// quoted for a POSIX shell, so pasting it runs this and nothing else.
    func reproducingCommand() -> String {
        var words = ["notebook", "run", notebook]
        for pair in parameters.parameters { words += ["-p", pair] }
        words += site.reproducingWords + runner.reproducingWords + confinement.reproducingWords
        return ShellWords.join(words)
    }
}
