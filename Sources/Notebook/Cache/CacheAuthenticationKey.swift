import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The secret that signs every cache entry (HMAC-SHA-256), kept outside the cache.
///
/// Whoever can write the cache folder but cannot read this key cannot make an entry the
/// tool accepts: a forged, edited or foreign entry is a miss, never a result. The key is
/// `NOTEBOOK_CACHE_KEY` (for CI and clusters) when set, else the file `cache-key` in the
/// user's config folder (`$XDG_CONFIG_HOME/notebook`, else `~/.config/notebook`), made on
/// first use with mode 0600; one user's machines that share a home folder share it.
public struct CacheAuthenticationKey: Sendable {
    /// The key's bytes (`SymmetricKey` is not `Sendable`; one is made for each use).
    private let bytes: [UInt8]
    private var secret: SymmetricKey { SymmetricKey(data: bytes) }
    /// A public name of the key: an entry made with another key says so by its id, so the
    /// run can tell "another key" from "changed".
    let id: String

    /// The least key length accepted, in bytes (written as twice as many hex digits).
    public static let minimumBytes = 32

    init(bytes: [UInt8]) {
        self.bytes = bytes
        let tag = HMAC<Crypto.SHA256>.authenticationCode(for: Array("notebook-cache key id".utf8), using: SymmetricKey(data: bytes))
        id = Array(tag).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The key written as hex digits, or nil when it is not at least 32 bytes of hex.
    public init?(hex: String) {
        let digits = Array(hex.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard digits.count >= 2 * Self.minimumBytes, digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.hexValue(digits[index]), let low = Self.hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    /// A new random key.
    static func random() -> CacheAuthenticationKey {
        CacheAuthenticationKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    var hex: String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The authentication code of `pieces`, in order.
    func code(_ pieces: [Data]) -> [UInt8] {
        var mac = HMAC<Crypto.SHA256>(key: secret)
        for piece in pieces { mac.update(data: piece) }
        return Array(mac.finalize())
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: - Where the key comes from

    /// The key found for this user, or why there is none.
    public enum Lookup: Sendable {
        case key(CacheAuthenticationKey)
        /// No key can be read or made; the run goes on without the cache, saying `reason`.
        case unavailable(reason: String)
    }

    /// `NOTEBOOK_CACHE_KEY` was set to something that is not a key: a usage error.
    public struct MalformedEnvironmentKey: Error, CustomStringConvertible {
        public var description: String {
            "NOTEBOOK_CACHE_KEY must be at least \(CacheAuthenticationKey.minimumBytes) bytes written as "
                + "\(2 * CacheAuthenticationKey.minimumBytes) or more hex digits (such as the output of "
                + "'openssl rand -hex 32')"
        }
    }

    /// The key for this user: `NOTEBOOK_CACHE_KEY`, else the config folder's file, made
    /// when missing.
    ///
    /// - Throws: `MalformedEnvironmentKey` when `NOTEBOOK_CACHE_KEY` is set but not a key.
    public static func lookUp(environment: [String: String]) throws(MalformedEnvironmentKey) -> Lookup {
        if let text = environment["NOTEBOOK_CACHE_KEY"] {
            guard let key = CacheAuthenticationKey(hex: text) else { throw MalformedEnvironmentKey() }
            return .key(key)
        }
        guard let file = keyFile(environment: environment) else {
            return .unavailable(reason: "there is no home or config folder to keep the cache's key in "
                                + "(set HOME, XDG_CONFIG_HOME or NOTEBOOK_CACHE_KEY)")
        }
        return readOrMake(file)
    }

    /// `$XDG_CONFIG_HOME/notebook/cache-key`, else `~/.config/notebook/cache-key` (`$HOME`,
    /// else the account's home folder).
    public static func keyFile(environment: [String: String]) -> URL? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return URL(fileURLWithPath: config).appendingPathComponent("notebook/cache-key")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return URL(fileURLWithPath: home).appendingPathComponent(".config/notebook/cache-key")
        }
        // No HOME (a bare CI or batch environment): the account's home folder.
        guard let account = getpwuid(geteuid()), let directory = account.pointee.pw_dir else { return nil }
        let home = String(cString: directory)
        guard home.hasPrefix("/") else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".config/notebook/cache-key")
    }

    /// Reads the key file; makes it first when it does not exist. Two processes making it
    /// at once agree: each writes a whole file under its own name and links it into place,
    /// and the one that finds it there already reads that one.
    static func readOrMake(_ file: URL) -> Lookup {
        var status = stat()
        if lstat(file.path, &status) == 0 || errno != ENOENT { return read(file) }
        let folder = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            return .unavailable(reason: "cannot make \(folder.path) for the cache's key: \(error.localizedDescription)")
        }
        let key = random()
        let temporary = folder.appendingPathComponent(".cache-key~\(CacheName.hostName)~\(getpid())~"
                                                      + String(UInt64.random(in: 0...UInt64.max), radix: 16))
        defer { unlink(temporary.path) }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            return .unavailable(reason: "cannot write the cache's key in \(folder.path): \(String(cString: strerror(errno)))")
        }
        let text = Array((key.hex + "\n").utf8)
        let written = text.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
        close(descriptor)
        guard written == text.count else {
            return .unavailable(reason: "cannot write the cache's key in \(folder.path): \(String(cString: strerror(errno)))")
        }
        if link(temporary.path, file.path) != 0, errno != EEXIST {
            return .unavailable(reason: "cannot write \(file.path): \(String(cString: strerror(errno)))")
        }
        return read(file)
    }

    /// The key in `file`: a regular file of this user's that no one else can read.
    static func read(_ file: URL) -> Lookup {
        let descriptor = open(file.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .unavailable(reason: "cannot read the cache's key \(file.path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            return .unavailable(reason: "the cache's key \(file.path) is not a regular file")
        }
        guard status.st_uid == geteuid() else {
            return .unavailable(reason: "the cache's key \(file.path) belongs to another user")
        }
        guard status.st_mode & 0o077 == 0 else {
            return .unavailable(reason: "the cache's key \(file.path) can be read by other users (chmod 600 it)")
        }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0, let key = CacheAuthenticationKey(hex: String(decoding: buffer.prefix(count), as: UTF8.self)) else {
            return .unavailable(reason: "the cache's key \(file.path) is not \(2 * minimumBytes) or more hex digits")
        }
        return .key(key)
    }
}
