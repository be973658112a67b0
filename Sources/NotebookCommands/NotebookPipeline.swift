import Foundation
import NotebookResults
import Notebook
import Publishing
import Site

/// The stages wired together, each failure turned into a message and an exit code.
enum NotebookPipeline {
    /// Compiles the notebook at `path`; with `checkingData`, a dataset it cannot have is an
    /// error of its `data` line now, before anything trains (MNIST is fetched if it can be).
    static func compile(_ path: String, overrides: [String: String], allowedOutside: [URL] = [],
                        checkingData: Bool = true) throws -> NotebookProgram {
        let datasets = checkingData ? DatasetLocations.fromEnvironment(ProcessInfo.processInfo.environment) : nil
        do {
            return try NotebookSource.compile(path, overrides: overrides, allowedOutside: allowedOutside, datasets: datasets)
        } catch let errors as NotebookErrors {
            throw CommandFailure.notebook(errors.description)
        } catch let error as ParameterOverrideError {
            throw CommandFailure.usage(error.description)
        } catch let error as NotebookFileError {
            throw CommandFailure.usage(error.description)
        }
    }

    /// Fails when a local image the prose shows is missing, so the notebook does not run
    /// for nothing: publishing would refuse it.
    static func checkImages(_ program: NotebookProgram) throws {
        do {
            _ = try SiteImages.files(for: program.document,
                                     allowedOutside: program.confinement.allowed.map { URL(fileURLWithPath: $0) })
        } catch {
            throw CommandFailure.notebook(error.description)
        }
    }

    /// Runs `program`; with a cache, `reuse` takes from it what it holds (false runs cold
    /// and only fills it, as `check` and `--record` do).
    /// The files it writes (`save weights`) are staged in `outputs` until the caller commits them.
    static func execute(_ program: NotebookProgram, threads: Int, quiet: Bool, overrides: [String: String],
                        command: String, cache: NotebookCache? = nil, reuse: Bool = true,
                        outputs: PendingOutputs) throws -> RunResult {
        let sourceDate = try SourceDateEpoch.date()
        let executor = Executor(program: program,
                                options: ExecutionOptions(blasThreads: threads,
                                                          datasets: .fromEnvironment(ProcessInfo.processInfo.environment),
                                                          command: command, overrides: overrides,
                                                          cache: cache, reuseCache: reuse, outputs: outputs),
                                progress: .automatic(quiet: quiet))
        do {
            let result = try executor.run()
            return sourceDate.map { SourceDateEpoch.applying($0, to: result) } ?? result
        } catch let error as ExecutionError {
            throw CommandFailure.notebook(error.description)
        }
    }

    /// The commit point of a run: writes one page per result, the index and `site.json` into
    /// `folder` as one unit, after committing `outputs` (checkpoints, the record), holding the
    /// site's lock throughout (see docs/architecture.md, "Publishing").
    ///
    /// Everything is staged first; a failure before the commit writes nothing. Then each
    /// staged file replaces its destination in one rename, checkpoints and record first and
    /// the site last, so a reader who sees the new pages also finds the files they came with.
    /// `holder` names this run to a run that waits for the lock (`notebook vae.md`).
    /// `allowedOutside` are the folders besides the notebook's own its prose images may come from.
    static func publish(_ results: [RunResult], to folder: String, quiet: Bool, holder: String,
                        committing outputs: [PendingOutputs] = [], allowedOutside: [URL] = [],
                        operations: FileOperations = .system) throws {
        let written: [URL]
        do {
            written = try SitePublisher.publish(
                results, to: URL(fileURLWithPath: folder), allowedOutside: allowedOutside, holder: holder,
                waiting: { message in if !quiet { FileHandle.standardError.write(Data((message + "\n").utf8)) } },
                operations: operations,
                beforeSwap: { for pending in outputs { try pending.commit() } })
        } catch let error as SiteError {
            throw CommandFailure.notebook("error: could not write the site: \(error)")
        } catch let errors as ImageReferenceErrors {
            throw CommandFailure.notebook(errors.description + "\nerror: nothing was written to \(folder)")
        } catch let error as FileOperationError {
            throw CommandFailure.notebook("error: could not write \(error); the site \(folder) was left unchanged")
        }
        if !quiet {
            for page in written {
                FileHandle.standardError.write(Data("wrote \(page.path)\n".utf8))
            }
        }
    }
}
