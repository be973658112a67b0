import ArgumentParser
import Foundation
import SystemErrors
import NotebookResults
import Notebook
import Publishing
import Record
import Site

/// `notebook check vae.md`: run the notebook again and compare its seeded outputs with the
/// committed record. Exit 0 when they match, 1 on drift (or a notebook that no longer runs),
/// 2 when the record is missing or unusable.
public struct CheckCommand: ReportingCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Re-run a notebook and compare its outputs with its record (name.record.json).",
        discussion: """
            Outputs must match exactly when the engine, CPU, BLAS kernel and BLAS threads are the \
            recorded ones, and within the notebook's tolerances otherwise (front matter 'check:' \
            options 'tolerance' and 'pixel-tolerance', or a block's {tolerance=…} attributes). \
            The recorded -p overrides are applied again. On drift an HTML report with the \
            expected and actual figures side by side is written.
            """)

    @Argument(help: "The Markdown notebook to check.")
    public var notebook: String

    @Option(name: .customLong("record"), help: "The record to compare with. (default: beside the notebook)")
    public var recordPath: String?

    @Option(name: .customLong("report"), help: "Where to write the HTML report on drift. (default: check-report/NAME.html)")
    public var reportPath: String?

    @OptionGroup public var runner: RunnerOptions<RecordedThreads>
    @OptionGroup public var cache: CacheOptions
    @OptionGroup public var confinement: ConfinementOptions

    public func execute() throws -> String? {
        // The notebook must be readable before the record matters.
        _ = try NotebookPipeline.compile(notebook, overrides: [:], allowedOutside: confinement.folders, checkingData: false)
        let path = recordPath ?? RecordFile.path(forNotebook: notebook)
        let expected: NotebookRecord
        do {
            expected = try RecordFile.read(path, notebook: notebook)
        } catch let error as RecordError {
            throw CommandFailure.usage(error.description)
        }
        let overrides = Dictionary(expected.manifest.overrides.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        let program: NotebookProgram
        do {
            program = try NotebookPipeline.compile(notebook, overrides: overrides, allowedOutside: confinement.folders)
        } catch let failure as CommandFailure where failure.kind == .usage {
            // A recorded override the notebook no longer declares: the notebook drifted.
            throw CommandFailure.notebook(failure.message + "\n(the record \(path) was made with this override)")
        }
        // A check writes only its report: checkpoints its run saves are dropped with the staging.
        let staging = StagingArea.temporary()
        defer { staging.discard() }
        var command = ["notebook", "run", notebook]
        for pair in expected.manifest.overrides { command += ["-p", "\(pair.name)=\(pair.value)"] }
        let result = try NotebookPipeline.execute(program, threads: runner.threads ?? expected.manifest.blasThreads,
                                                  quiet: runner.quiet, overrides: overrides,
                                                  command: ShellWords.join(command),
                                                  // A check always runs cold; it may fill the cache for later runs.
                                                  cache: try cache.cache(forNotebook: notebook), reuse: false,
                                                  outputs: PendingOutputs(staging: staging))
        let actual = NotebookRecord(result, plan: program.checkPlan)
        let outcome = RecordComparison.compare(expected: expected, actual: actual, plan: program.checkPlan)
        let modeText: String
        switch outcome.mode {
        case .exact:
            modeText = "exact: same engine, CPU, BLAS kernel and threads as recorded"
        case .tolerant(let reason):
            modeText = "within tolerances: \(reason)"
        }
        if outcome.passed {
            return "\(notebook): check passed: \(actual.blocks.count) blocks, \(outcome.comparedOutputs) outputs and "
                + "\(outcome.comparedMetrics) numbers match \(path) (\(modeText))"
        }
        var lines = Self.summarized(outcome.drifts)
        let report = reportPath ?? "check-report/" + URL(fileURLWithPath: notebook).deletingPathExtension().lastPathComponent + ".html"
        do {
            try CheckReportPage.write(CheckReportPage.render(outcome: outcome, expected: expected, actual: result,
                                                             recordPath: path), to: report)
            lines.append("report with expected and actual figures: \(report)")
        } catch {
            lines.append("(could not write the report \(report): \(SystemErrorReason.reason(for: error)))")
        }
        let first = outcome.firstDriftingBlock.map { block in
            "first difference in block \(block) (\(program.blocks[block - 1].location.file):\(program.blocks[block - 1].location.line))"
        } ?? "the manifest differs"
        lines.append("\(notebook): check failed: \(outcome.drifts.count) difference\(outcome.drifts.count == 1 ? "" : "s") "
                     + "from \(path); \(first) (\(modeText))")
        throw CommandFailure.notebook(lines.joined(separator: "\n"))
    }

    /// The drifts for a terminal: at most three per output (a changed seed moves every
    /// number), then how many more; the report lists them all.
    static func summarized(_ drifts: [Drift], perOutput: Int = 3) -> [String] {
        var lines: [String] = []
        var index = 0
        while index < drifts.count {
            let drift = drifts[index]
            var end = index
            while end < drifts.count, drifts[end].block == drift.block, drifts[end].figure == drift.figure { end += 1 }
            let group = drifts[index..<end]
            lines += group.prefix(perOutput).map(\.description)
            if group.count > perOutput {
                let place = drift.block.map { "block \($0), " } ?? ""
                lines.append("\(drift.location): drift: \(place)\(drift.figure): \(group.count - perOutput) more "
                             + "difference\(group.count - perOutput == 1 ? "" : "s") (see the report)")
            }
            index = end
        }
        return lines
    }
}
