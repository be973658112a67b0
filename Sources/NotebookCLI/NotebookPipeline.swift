import Foundation
import Notebook
import Site

/// The stages wired together, each failure turned into a message and an exit code.
enum NotebookPipeline {
    static func compile(_ path: String, overrides: [String: String]) throws -> NotebookProgram {
        do {
            return try NotebookSource.compile(path, overrides: overrides)
        } catch let errors as NotebookErrors {
            throw CommandFailure.notebook(errors.description)
        } catch let error as ParameterOverrideError {
            throw CommandFailure.usage(error.description)
        } catch let error as NotebookFileError {
            throw CommandFailure.usage(error.description)
        }
    }

    static func execute(_ program: NotebookProgram, options: RunOptions, command: String) throws -> RunResult {
        try execute(program, threads: options.threads, quiet: options.quiet, overrides: try options.overrides(),
                    command: command)
    }

    static func execute(_ program: NotebookProgram, threads: Int, quiet: Bool, overrides: [String: String],
                        command: String) throws -> RunResult {
        let executor = Executor(program: program,
                                options: ExecutionOptions(blasThreads: threads,
                                                          datasets: .fromEnvironment(ProcessInfo.processInfo.environment),
                                                          command: command, overrides: overrides),
                                progress: .automatic(quiet: quiet))
        do {
            return try executor.run()
        } catch let error as ExecutionError {
            throw CommandFailure.notebook(error.description)
        }
    }

    /// Writes one page per result and the index, atomically, into `folder`.
    static func publish(_ results: [RunResult], to folder: String, quiet: Bool) throws {
        var pages: [String: String] = [:]
        var summaries: [PageSummary] = []
        for result in results {
            let name = pageName(for: result.document.path)
            pages[name] = renderNotebookPage(result)
            summaries.append(pageSummary(for: result, href: name))
        }
        let outputDirectory = URL(fileURLWithPath: folder)
        summaries += SiteIndex.existingPages(in: outputDirectory, excluding: Set(pages.keys))
        pages["index.html"] = renderIndexPage(summaries.sorted { $0.href < $1.href })
        do {
            try SiteWriter(outputDirectory: outputDirectory).write(pages: pages)
        } catch {
            throw CommandFailure.notebook("error: could not write the site: \(error)")
        }
        if !quiet {
            for name in pages.keys.sorted() where name != "index.html" {
                FileHandle.standardError.write(Data("wrote \(outputDirectory.appendingPathComponent(name).path)\n".utf8))
            }
        }
    }

    /// `notebooks/vae.md` → `vae.html`.
    static func pageName(for path: String) -> String {
        let file = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return file + ".html"
    }
}
