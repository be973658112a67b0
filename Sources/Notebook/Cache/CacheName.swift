import Foundation

/// The forms of the names the cache makes, and the only names it ever deletes.
///
/// An entry is named by its key, 64 lowercase hex digits (a SHA-256); a run history by a
/// key and `.json`; a file being written by `.NAME~HOST~PID~RANDOM.tmp`.
enum CacheName {
    /// Whether `name` is an entry or history name the cache makes in sub-folder `kind`.
    static func isOwn(_ name: String, kind: String) -> Bool {
        if kind == CacheFolder.historyKind {
            return name.hasSuffix(".json") && isKey(String(name.dropLast(5)))
        }
        return CacheFolder.entryKinds.contains(kind) && isKey(name)
    }

    /// Whether `key` is a key the cache makes: a SHA-256 in hex. Keys also come from entries
    /// (a continuation names its snapshot), and an entry is trusted no more than a stranger:
    /// a key such as `../../x` must never become a path.
    static func isKey(_ key: String) -> Bool {
        key.utf8.count == 64 && key.utf8.allSatisfy(isLowercaseHexDigit)
    }

    /// The temporary file an entry `name` is written to before it is renamed into place.
    static func temporary(for name: String, suffix: String) -> String { ".\(name)~\(suffix)" }

    /// Whether `name` is a temporary file of this version: `.NAME~HOST~PID~RANDOM.tmp`.
    static func isTemporary(_ name: String) -> Bool { temporaryParts(name) != nil }

    /// The host and pid a temporary file names.
    static func temporaryParts(_ name: String) -> (host: String, pid: pid_t)? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let parts = name.dropFirst().dropLast(4).split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count == 4,
              isKey(String(parts[0])) || (parts[0].hasSuffix(".json") && isKey(String(parts[0].dropLast(5)))),
              let pid = pid_t(parts[2]), !parts[1].isEmpty,
              parts[3].utf8.allSatisfy(isLowercaseHexDigit) else { return nil }
        return (String(parts[1]), pid)
    }

    /// Whether `name` is a file the previous version of the cache (format 3) made in
    /// sub-folder `kind`: an entry or history, or a temporary `.NAME.PID.tmp`.
    static func isPreviousVersion(_ name: String, kind: String) -> Bool {
        if isOwn(name, kind: kind) { return true }
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
        let parts = name.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard let pid = parts.last, pid_t(pid) != nil else { return false }
        return isOwn(parts.dropLast().joined(separator: "."), kind: kind)
    }

    /// This machine's name, kept to letters, digits and `-` so it fits in a file name.
    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
        let name = String(cString: buffer).unicodeScalars.map {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-"
        }
        return name.isEmpty ? "host" : String(name.prefix(64))
    }()

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
