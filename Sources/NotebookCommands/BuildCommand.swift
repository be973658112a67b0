import ArgumentParser
import Foundation
import NotebookResults
import Notebook

/// `notebook build notebooks/`: every notebook of a folder into one site.
///
/// All notebooks are checked before any of them runs, so a typo in the last one is
/// reported in a second, with every other notebook's errors, and nothing is trained or
/// written. Then each runs in turn, and all pages and the index are written together at
/// the end: a failed or interrupted build leaves the last good site as it was.
public struct BuildCommand: ReportingCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Run every notebook of a folder and write them all, with an index, as one site.",
        discussion: """
            The notebooks are the *.md files directly in the folder that contain at least one \
            swift-vae block; other Markdown files (a README) are left out. Each page's footer \
            gives the 'notebook run' command that reproduces it.
            """)

    @Argument(help: "The folder of Markdown notebooks.")
    public var folder: String

    @OptionGroup public var site: SiteOptions
    @OptionGroup public var runner: RunnerOptions<FixedThreads>
    @OptionGroup public var cache: CacheOptions

    public func execute() throws -> String? {
        let notebooks = try NotebookFolder.notebooks(in: folder)
        if !runner.quiet {
            for skipped in notebooks.skipped {
                FileHandle.standardError.write(Data("skipped \(skipped): no swift-vae block\n".utf8))
            }
        }
        let programs = try compileAll(notebooks.paths)
        var results: [RunResult] = []
        for (ordinal, (path, program)) in zip(notebooks.paths, programs).enumerated() {
            if !runner.quiet {
                FileHandle.standardError.write(Data("building \(path) (\(ordinal + 1) of \(programs.count))\n".utf8))
            }
            results.append(try NotebookPipeline.execute(program, threads: runner.threadCount, quiet: runner.quiet,
                                                        overrides: [:], command: reproducingCommand(for: path),
                                                        cache: try cache.cache(forNotebook: path)))
        }
        try NotebookPipeline.publish(results, to: site.output, quiet: runner.quiet)
        return nil
    }

    /// Every notebook compiled, or one failure carrying every notebook's errors.
    private func compileAll(_ paths: [String]) throws -> [NotebookProgram] {
        var programs: [NotebookProgram] = []
        var failures: [CommandFailure] = []
        for path in paths {
            do {
                programs.append(try NotebookPipeline.compile(path, overrides: [:]))
            } catch let failure as CommandFailure {
                failures.append(failure)
            }
        }
        guard !failures.isEmpty else { return programs }
        let broken = failures.count == 1 ? "1 of \(paths.count) notebooks has" : "\(failures.count) of \(paths.count) notebooks have"
        let message = failures.map(\.message).joined(separator: "\n")
            + "\nerror: \(broken) errors; nothing was run and \(site.output) was left as it was"
        // A file that cannot be read is a usage problem on its own; among notebook errors it is one more.
        throw CommandFailure(message: message, kind: failures.allSatisfy { $0.kind == .usage } ? .usage : .notebook)
    }

    /// `notebook run` of the one notebook: it reproduces that page exactly.
    private func reproducingCommand(for path: String) -> String {
        var words = ["notebook", "run", path]
        if runner.threadCount != FixedThreads.count { words += ["--threads", String(runner.threadCount)] }
        return words.joined(separator: " ")
    }
}
