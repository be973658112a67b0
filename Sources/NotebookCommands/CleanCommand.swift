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

    /// Only `--cache`: `--no-cache` would leave nothing to clean, and `--cache-size` would
    /// let cleaning one notebook delete other notebooks' runs.
    @OptionGroup public var cache: CacheFolderOption

    public func execute() throws -> String? {
        // A misspelt name would otherwise be told "nothing cached", as if it had been cleaned.
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: notebook, isDirectory: &isFolder) else {
            throw CommandFailure.usage("\(notebook): error: no such file; give the Markdown notebook whose cached runs to forget")
        }
        guard !isFolder.boolValue else {
            throw CommandFailure.usage("\(notebook): error: is a folder; give the Markdown notebook whose cached runs to forget")
        }
        let folder = cache.folderURL(forNotebook: notebook)
        // A cache that was never made holds nothing to forget; cleaning does not make one.
        var status = stat()
        if lstat(folder.path, &status) != 0, errno == ENOENT {
            return "\(notebook): nothing cached in \(folder.path)"
        }
        // No size limit: cleaning forgets this notebook's runs and keeps every other run.
        guard let cache = try CacheOptions.open(folder, needsKey: false, sizeLimit: .max) else {
            throw CommandFailure.usage("error: cannot clean the cache in \(folder.path)")
        }
        let before = cache.entrySizes().values.reduce(0, +)
        let runs = cache.clean(notebook: notebook)
        let freed = before - cache.entrySizes().values.reduce(0, +)
        let megabytes = String(format: "%.1f", Double(freed) / 1e6)
        return "\(notebook): forgot \(runs) cached run\(runs == 1 ? "" : "s"), freed \(megabytes) MB in \(cache.folder.path)"
    }
}
