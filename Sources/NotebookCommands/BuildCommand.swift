import ArgumentParser
import Foundation
import NotebookResults
import Notebook
import Publishing
import Site

/// `notebook build notebooks/`: every notebook of a folder into one site.
///
/// All notebooks are checked before any of them runs, so a typo in the last one is
/// reported in a second, with every other notebook's errors, and nothing is trained or
/// written. Then each runs in turn; the pages of those that ran are written together with
/// the index at the end. A notebook whose run fails keeps its previous page (and its entry
/// in the index), its errors are listed and the build exits 1; an interrupted build leaves
/// the last good site as it was.
public struct BuildCommand: ReportingCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Run every notebook of a folder and write them all, with an index, as one site.",
        discussion: """
            The notebooks are the *.md files directly in the folder that contain at least one \
            swift-vae block; other Markdown files (a README) are left out. Each page's footer \
            gives the 'notebook run' command that reproduces it. A -p value applies to every \
            notebook that declares the parameter; one that no notebook declares is an error. \
            A notebook whose run fails keeps its previous page; the others are written.
            """)

    @Argument(help: "The folder of Markdown notebooks.")
    public var folder: String

    @OptionGroup public var parameters: ParameterOptions
    @OptionGroup public var site: SiteOptions
    @OptionGroup public var runner: RunnerOptions<FixedThreads>
    @OptionGroup public var cache: CacheOptions
    @OptionGroup public var confinement: ConfinementOptions

    /// One notebook ready to run: its program and the `-p` values that apply to it.
    private struct Compiled {
        var path: String
        var program: NotebookProgram
        var overrides: [String: String]
    }

    public func execute() throws -> String? {
        _ = try SourceDateEpoch.date()
        let overrides = try parameters.overrides()
        let notebooks = try NotebookFolder.notebooks(in: folder)
        if !runner.quiet {
            for skipped in notebooks.skipped {
                FileHandle.standardError.write(Data("skipped \(skipped): no swift-vae block\n".utf8))
            }
        }
        let compiled = try compileAll(notebooks.paths, overrides: overrides)
        try site.checkWritable()
        // Each notebook's files wait beside the site until the build commits; a failed one's are dropped.
        let staging = StagingArea(besideSite: URL(fileURLWithPath: site.output))
        defer { staging.discard() }
        var committed: [PendingOutputs] = []
        var results: [RunResult] = []
        var failed: [(path: String, failure: CommandFailure)] = []
        for (ordinal, notebook) in compiled.enumerated() {
            if !runner.quiet {
                FileHandle.standardError.write(Data("building \(notebook.path) (\(ordinal + 1) of \(compiled.count))\n".utf8))
            }
            let outputs = PendingOutputs(staging: staging)
            do {
                results.append(try NotebookPipeline.execute(
                    notebook.program, threads: runner.threadCount, quiet: runner.quiet, overrides: notebook.overrides,
                    command: reproducingCommand(for: notebook.path, overrides: notebook.overrides),
                    cache: try cache.cache(forNotebook: notebook.path), outputs: outputs))
                committed.append(outputs)
            } catch let failure as CommandFailure where failure.kind == .notebook {
                outputs.discard()
                failed.append((notebook.path, failure))
            }
        }
        if !results.isEmpty {
            try NotebookPipeline.publish(results, to: site.output, quiet: runner.quiet, holder: "build \(folder)",
                                         committing: committed, allowedOutside: confinement.folders)
        }
        guard failed.isEmpty else {
            let count = failed.count == 1 ? "1 of \(compiled.count) notebooks" : "\(failed.count) of \(compiled.count) notebooks"
            let kept = failed.map { SitePublisher.pageName(forNotebook: $0.path) }.joined(separator: ", ")
            throw CommandFailure.notebook(failed.map(\.failure.message).joined(separator: "\n")
                + "\nerror: \(count) failed: " + failed.map(\.path).joined(separator: ", ")
                + "; \(results.isEmpty ? "nothing was written" : "the others were written")"
                + " and the previous \(kept) kept in \(site.output)")
        }
        return nil
    }

    /// Every notebook compiled with the `-p` values it declares, or one failure carrying
    /// every notebook's errors; a `-p` name no notebook declares is a usage error.
    private func compileAll(_ paths: [String], overrides: [String: String]) throws -> [Compiled] {
        var compiled: [Compiled] = []
        var failures: [CommandFailure] = []
        for path in paths {
            do {
                // Compiled once as written to learn its parameters, again with those it declares set;
                // only then are its datasets checked, since `-p dataset=…` may change them.
                let plain = try NotebookPipeline.compile(path, overrides: [:], allowedOutside: confinement.folders,
                                                         checkingData: false)
                let declared = Set(plain.parameters.map(\.name))
                let applying = overrides.filter { declared.contains($0.key) }
                let program = try NotebookPipeline.compile(path, overrides: applying, allowedOutside: confinement.folders)
                try NotebookPipeline.checkImages(program)
                compiled.append(Compiled(path: path, program: program, overrides: applying))
            } catch let failure as CommandFailure {
                failures.append(failure)
            }
        }
        if failures.isEmpty {
            let declared = Set(compiled.flatMap { $0.program.parameters.map(\.name) })
            if let unknown = overrides.keys.filter({ !declared.contains($0) }).sorted().first {
                let names = declared.sorted()
                let known = names.isEmpty ? "they declare no parameters" : "they declare: " + names.joined(separator: ", ")
                let suggestion = Suggestion.hint(for: unknown, in: names)
                throw CommandFailure.usage("-p \(unknown): no notebook in \(folder) declares a parameter '\(unknown)'"
                                           + "\(suggestion); \(known)")
            }
            return compiled
        }
        let broken = failures.count == 1 ? "1 of \(paths.count) notebooks has" : "\(failures.count) of \(paths.count) notebooks have"
        let message = failures.map(\.message).joined(separator: "\n")
            + "\nerror: \(broken) errors; nothing was run and \(site.output) was left as it was"
        // A file that cannot be read is a usage problem on its own; among notebook errors it is one more.
        throw CommandFailure(message: message, kind: failures.allSatisfy { $0.kind == .usage } ? .usage : .notebook)
    }

    /// `notebook run` of the one notebook with the `-p` values it took: it reproduces that page
    /// exactly, each word quoted for a POSIX shell.
    private func reproducingCommand(for path: String, overrides: [String: String]) -> String {
        var words = ["notebook", "run", path]
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) { words += ["-p", "\(name)=\(value)"] }
        words += site.reproducingWords + runner.reproducingWords + confinement.reproducingWords
        return ShellWords.join(words)
    }
}
