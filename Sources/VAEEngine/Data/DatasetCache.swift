import Foundation

/// Where downloaded datasets are kept between runs.
///
/// The folder is, in order of preference:
/// 1. `$NOTEBOOK_DATA`, when set and not empty;
/// 2. `$XDG_CACHE_HOME/notebook/datasets`, when `XDG_CACHE_HOME` is an absolute path
///    (the XDG base directory specification says to ignore a relative one);
/// 3. `~/.cache/notebook/datasets` (`$HOME`, else the user's home folder).
///
/// Each dataset has its own subfolder (`mnist/`, …).
public enum DatasetCache {
    /// The variable that, when set, is the cache folder itself.
    public static let environmentVariable = "NOTEBOOK_DATA"

    /// The cache folder for `environment` (usually `ProcessInfo.processInfo.environment`).
    /// Only computes the path; the folder is created when something is downloaded into it.
    public static func folder(environment: [String: String]) -> URL {
        if let data = environment[environmentVariable], !data.isEmpty {
            return URL(fileURLWithPath: data, isDirectory: true).standardizedFileURL
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg, isDirectory: true)
                .appendingPathComponent("notebook", isDirectory: true)
                .appendingPathComponent("datasets", isDirectory: true)
                .standardizedFileURL
        }
        let home: URL
        if let value = environment["HOME"], !value.isEmpty {
            home = URL(fileURLWithPath: value, isDirectory: true)
        } else {
            home = FileManager.default.homeDirectoryForCurrentUser
        }
        return home
            .appendingPathComponent(".cache", isDirectory: true)
            .appendingPathComponent("notebook", isDirectory: true)
            .appendingPathComponent("datasets", isDirectory: true)
            .standardizedFileURL
    }

    /// The cache folder for this process's environment.
    public static func folder() -> URL {
        folder(environment: ProcessInfo.processInfo.environment)
    }
}
