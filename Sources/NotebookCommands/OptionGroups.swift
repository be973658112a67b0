import ArgumentParser
import Foundation
import SystemErrors
import Notebook
import NotebookResults
import Publishing
import Record

// The options the subcommands share, each declared once with its check. A subcommand
// composes the groups it needs with `@OptionGroup`; ArgumentParser calls each group's
// `validate()` while parsing, so a bad value is a usage error (exit 2) in its words.

/// `-p/--param name=value`: overrides of parameters the notebook declares with `param`.
public struct ParameterOptions: ParsableArguments {
    public init() {}

    @Option(name: [.customShort("p"), .customLong("param")],
            help: ArgumentHelp("Override a parameter declared with 'param'.", valueName: "name=value"))
    public var parameters: [String] = []

    public func validate() throws {
        _ = try overrides()
    }

    /// `-p name=value` pairs as a dictionary; a malformed or repeated pair is a usage error.
    public func overrides() throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in parameters {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("-p expects name=value, got '\(pair)'")
            }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            guard !value.isEmpty else { throw ValidationError("-p \(name)= needs a value") }
            guard result[name] == nil else { throw ValidationError("-p \(name) is given twice") }
            result[name] = value
        }
        return result
    }
}

/// `--output`: the site folder a command writes.
public struct SiteOptions: ParsableArguments {
    public init() {}

    /// The folder written when `--output` is not given.
    public static let defaultOutput = "site"

    @Option(name: .customLong("output"), help: "The site folder to write.")
    public var output: String = SiteOptions.defaultOutput

    /// `--output DIR` when it is not the default, for a page's reproducing command.
    public var reproducingWords: [String] {
        output == Self.defaultOutput ? [] : ["--output", output]
    }

    public func validate() throws {
        if output.isEmpty { throw ValidationError("--output needs a folder name") }
    }

    /// Fails unless the site folder can be written, checked before anything runs: the folder,
    /// or the nearest folder above it that exists, takes a new folder (made and removed at once),
    /// so a run that cannot publish stops before it trains, and nothing is left behind.
    func checkWritable() throws {
        let files = FileManager.default
        var folder = URL(fileURLWithPath: output).standardizedFileURL
        var isDirectory: ObjCBool = false
        while !files.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        func failure(_ reason: String) -> CommandFailure {
            .notebook("error: cannot write the site to \(output): \(reason)")
        }
        guard isDirectory.boolValue else { throw failure("\(folder.path) is not a folder") }
        // The site is staged and swapped in beside itself: its parent must take new folders,
        // and the probe goes there too, never inside the published folder. Named like a
        // staging folder, one a kill left is removed by the next run.
        let site = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath()
        if folder.resolvingSymlinksInPath().path == site.path {
            if access(site.path, W_OK) != 0 { throw failure("\(site.path) is not writable") }
            folder = site.deletingLastPathComponent()
        }
        let probe = folder.appendingPathComponent(StagingArea.prefix(forSite: site) + "\(getpid())-check")
        do {
            try files.createDirectory(at: probe, withIntermediateDirectories: false)
        } catch {
            throw failure("\(folder.path) does not take new files (\(SystemErrorReason.reason(for: error)))")
        }
        try? files.removeItem(at: probe)
    }
}

/// `--allow-outside DIR` (repeatable): folders outside the notebook's own where the files it
/// names (checkpoints, images, data) may be; see `PathConfinement`.
public struct ConfinementOptions: ParsableArguments {
    public init() {}

    @Option(name: .customLong("allow-outside"), help: ArgumentHelp(
        "Also allow the files a notebook names (checkpoints, images) in this folder, outside the notebook's own. "
            + "Repeatable.", valueName: "dir"))
    public var allowOutside: [String] = []

    public func validate() throws {
        for folder in allowOutside {
            if folder.isEmpty { throw ValidationError("--allow-outside needs a folder name") }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
                throw ValidationError("--allow-outside \(folder): no such folder")
            }
            guard isFolder.boolValue else { throw ValidationError("--allow-outside \(folder): not a folder") }
        }
    }

    /// The allowed folders.
    public var folders: [URL] { allowOutside.map { URL(fileURLWithPath: $0) } }

    /// `--allow-outside DIR` for each folder given, for a page's reproducing command.
    public var reproducingWords: [String] { allowOutside.flatMap { ["--allow-outside", $0] } }
}

/// What `--threads` means when it is not given, for `RunnerOptions`.
///
/// `run` and `build` use a fixed count; `check` uses the count in the record, which it
/// only knows after reading it, so the option itself is optional and each command says
/// in its help what the default is.
public protocol ThreadsDefault {
    /// The help of `--threads`, ending with what the default is.
    static var help: ArgumentHelp { get }
}

/// `--threads` defaults to 2 (`run`, `build`).
public enum FixedThreads: ThreadsDefault {
    /// The count used when `--threads` is not given; `notebook run` leaves it out of the reproducing command.
    public static let count = 2
    public static let help = ArgumentHelp(
        "Threads for the matrix products and the passes between them. Results are bit-identical only for the "
            + "same count, so it is fixed, not 'all cores'. (default: \(count))")
}

/// `--threads` defaults to the count in the record (`check`).
public enum RecordedThreads: ThreadsDefault {
    public static let help = ArgumentHelp(
        "Threads for the matrix products and the passes between them. (default: the recorded count, so results can match exactly)")
}

/// `--threads` and `-q/--quiet`: how a notebook is run, not what it computes.
///
/// `--threads` must be between 1 and 64; its default depends on the command (`Default`).
public struct RunnerOptions<Default: ThreadsDefault>: ParsableArguments {
    public init() {}

    /// The valid thread counts.
    public static var threadRange: ClosedRange<Int> { RecordValidation.threadRange }

    @Option(name: .customLong("threads"), help: Default.help)
    public var threads: Int?

    @Flag(name: .shortAndLong, help: "Print no progress.")
    public var quiet = false

    public func validate() throws {
        if let threads, !Self.threadRange.contains(threads) {
            throw ValidationError("--threads must be between \(Self.threadRange.lowerBound) and "
                                  + "\(Self.threadRange.upperBound), got \(threads)")
        }
    }
}

extension RunnerOptions where Default == FixedThreads {
    /// `--threads`, or the fixed default.
    public var threadCount: Int { threads ?? FixedThreads.count }

    /// `--threads N` when it is not the default, for a page's reproducing command.
    public var reproducingWords: [String] {
        threadCount == FixedThreads.count ? [] : ["--threads", String(threadCount)]
    }
}

/// `--cache DIR`: the cache folder, which `clean` also takes.
public struct CacheFolderOption: ParsableArguments {
    public init() {}

    @Option(name: .customLong("cache"), help: ArgumentHelp(
        "The cache folder. (default: $NOTEBOOK_CACHE, else .notebook-cache beside the notebook)", valueName: "dir"))
    public var folder: String?

    /// The cache folder of `notebook`: `--cache`, else `NOTEBOOK_CACHE`, else beside it.
    public func folderURL(forNotebook notebook: String) -> URL {
        folder.map { URL(fileURLWithPath: $0) }
            ?? NotebookCache.defaultFolder(forNotebook: notebook, environment: ProcessInfo.processInfo.environment)
    }
}

/// `--cache DIR`, `--no-cache` and `--cache-size`: where block outputs and session
/// snapshots are kept between runs (see `NotebookCache`).
public struct CacheOptions: ParsableArguments {
    public init() {}

    @OptionGroup public var location: CacheFolderOption

    @Flag(name: .customLong("no-cache"), help: "Run every block and neither read nor write the cache.")
    public var disabled = false

    @Option(name: .customLong("cache-size"), help: ArgumentHelp(
        "Past this size the oldest runs' entries are deleted, such as 500MB or 2GB. (default: 2GB)", valueName: "size"))
    public var sizeText: String?

    public func validate() throws {
        _ = try sizeLimit()
        if disabled, location.folder != nil { throw ValidationError("--cache and --no-cache exclude each other") }
    }

    /// `--cache-size` in bytes: a number with an optional unit (B, KB, MB, GB, TB; powers of 1000).
    public func sizeLimit() throws -> Int64 {
        guard let text = sizeText?.uppercased() else { return NotebookCache.defaultSizeLimit }
        let units: [(String, Double)] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("B", 1)]
        let unit = units.first { text.hasSuffix($0.0) } ?? ("", 1)
        guard let number = Double(text.dropLast(unit.0.count)), number.isFinite, number > 0,
              number * unit.1 < 9e18 else {
            throw ValidationError("--cache-size expects a size such as 500MB or 2GB, got '\(sizeText ?? "")'")
        }
        return Int64(number * unit.1)
    }

    /// The cache folder of `notebook`: `--cache`, else `NOTEBOOK_CACHE`, else beside it.
    public func folderURL(forNotebook notebook: String) -> URL {
        location.folderURL(forNotebook: notebook)
    }

    /// The cache of `notebook`, or nil with `--no-cache`, or when no cache key can be read
    /// or made, or the folder cannot be made (each said in one warning: the run goes on
    /// without it). Damaged entries are reported on standard error, one line each.
    ///
    /// - Throws: a usage failure for a folder that is a link or not a notebook cache, and
    ///   for a malformed `NOTEBOOK_CACHE_KEY`.
    public func cache(forNotebook notebook: String) throws -> NotebookCache? {
        guard !disabled else { return nil }
        return try Self.open(folderURL(forNotebook: notebook), needsKey: true, sizeLimit: try sizeLimit())
    }

    /// The cache in `url`, or nil when no cache key can be read or made (with `needsKey`),
    /// or the folder cannot be made, each said in one warning.
    ///
    /// - Parameter needsKey: false for `clean`, which deletes and never reads an entry, so
    ///   it works without the user's key.
    /// - Throws: a usage failure for a folder that is a link or not a notebook cache, and
    ///   for a malformed `NOTEBOOK_CACHE_KEY`.
    static func open(_ url: URL, needsKey: Bool, sizeLimit: Int64) throws -> NotebookCache? {
        let environment = ProcessInfo.processInfo.environment
        let warn: @Sendable (String) -> Void = { message in
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
        let key: CacheAuthenticationKey
        do {
            switch try CacheAuthenticationKey.lookUp(environment: environment) {
            case .key(let found):
                key = found
            case .unavailable(let reason) where needsKey:
                warn("warning: \(reason); running without the cache")
                return nil
            case .unavailable:
                key = CacheAuthenticationKey(hex: String(repeating: "0", count: 64))!
            }
        } catch {
            throw CommandFailure.usage("error: \(error.description)")
        }
        do {
            return try NotebookCache(folder: url, authentication: key, sizeLimit: sizeLimit, warn: warn)
        } catch CacheFolderError.unusable(let path, let reason) {
            warn("warning: cannot use the cache folder \(path): \(reason); running without the cache")
            return nil
        } catch {
            throw CommandFailure.usage("error: \(error)")
        }
    }
}
