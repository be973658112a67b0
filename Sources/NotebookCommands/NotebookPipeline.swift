import Foundation
import NotebookResults
import Notebook
import Site

/// The stages wired together, each failure turned into a message and an exit code.
enum NotebookPipeline {
    static func compile(_ path: String, overrides: [String: String], allowedOutside: [URL] = []) throws -> NotebookProgram {
        do {
            return try NotebookSource.compile(path, overrides: overrides, allowedOutside: allowedOutside)
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
    static func execute(_ program: NotebookProgram, threads: Int, quiet: Bool, overrides: [String: String],
                        command: String, cache: NotebookCache? = nil, reuse: Bool = true) throws -> RunResult {
        let sourceDate = try SourceDateEpoch.date()
        let executor = Executor(program: program,
                                options: ExecutionOptions(blasThreads: threads,
                                                          datasets: .fromEnvironment(ProcessInfo.processInfo.environment),
                                                          command: command, overrides: overrides,
                                                          cache: cache, reuseCache: reuse),
                                progress: .automatic(quiet: quiet))
        do {
            let result = try executor.run()
            return sourceDate.map { SourceDateEpoch.applying($0, to: result) } ?? result
        } catch let error as ExecutionError {
            throw CommandFailure.notebook(error.description)
        }
    }

    /// Writes one page per result, the index and `site.json`, atomically, into `folder`.
    static func publish(_ results: [RunResult], to folder: String, quiet: Bool, allowedOutside: [URL] = []) throws {
        let written: [URL]
        do {
            written = try SitePublisher.publish(results, to: URL(fileURLWithPath: folder), allowedOutside: allowedOutside)
        } catch let error as SiteError {
            throw CommandFailure.notebook("error: could not write the site: \(error)")
        } catch let errors as ImageReferenceErrors {
            throw CommandFailure.notebook(errors.description + "\nerror: nothing was written to \(folder)")
        }
        if !quiet {
            for page in written {
                FileHandle.standardError.write(Data("wrote \(page.path)\n".utf8))
            }
        }
    }
}
