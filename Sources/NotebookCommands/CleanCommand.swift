import ArgumentParser
import Foundation
import Notebook

/// `notebook clean vae.md`: forget a notebook's cached runs.
public struct CleanCommand: ReportingCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Remove a notebook's entries from the cache, so its next run computes every block.",
        discussion: "Entries other notebooks' recent runs use are kept.")

    @Argument(help: "The Markdown notebook whose cached runs to forget.")
    public var notebook: String

    @OptionGroup public var cache: CacheOptions

    public func execute() throws -> String? {
        guard !cache.disabled else { throw CommandFailure.usage("--no-cache: there is no cache to clean") }
        let folder = cache.folderURL(forNotebook: notebook)
        // A cache that was never made holds nothing to forget; cleaning does not make one.
        var status = stat()
        if lstat(folder.path, &status) != 0, errno == ENOENT {
            return "\(notebook): nothing cached in \(folder.path)"
        }
        guard let cache = try cache.cache(forNotebook: notebook, needsKey: false) else {
            throw CommandFailure.usage("cannot clean the cache in \(folder.path)")
        }
        let before = cache.entrySizes().values.reduce(0, +)
        let runs = cache.clean(notebook: notebook)
        let freed = before - cache.entrySizes().values.reduce(0, +)
        let megabytes = String(format: "%.1f", Double(freed) / 1e6)
        return "\(notebook): forgot \(runs) cached run\(runs == 1 ? "" : "s"), freed \(megabytes) MB in \(cache.folder.path)"
    }
}
