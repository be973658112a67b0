import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock that makes runs publishing into one site folder take turns.
///
/// It is an `flock(2)` on `.<site>.notebook-lock` beside the site folder (never inside it,
/// so it is no part of what is published). The kernel releases it when its holder exits,
/// however it exits, so a killed run never leaves a site locked. The holder writes its pid
/// and what it runs into the file, so a second run can say whom it waits for.
///
/// A run holds the lock only while it commits (reads the site's manifest, builds the new
/// site, swaps it in), not while it trains: that takes seconds, so the second run waits
/// rather than failing.
public final class SiteLock {
    /// The lock file for `site`: `<parent>/.<name>.notebook-lock`.
    public static func lockFile(forSite site: URL) -> URL {
        let site = site.standardizedFileURL
        return site.deletingLastPathComponent().appendingPathComponent(".\(site.lastPathComponent).notebook-lock")
    }

    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Takes the lock of `site`, waiting for another holder to finish; `waiting` is called
    /// once with a sentence naming the holder when there is one. `holder` (e.g. `notebook
    /// vae.md`) is what a later waiter is told.
    public static func acquire(site: URL, holder: String, waiting: (String) -> Void) throws -> SiteLock {
        let file = lockFile(forSite: site)
        let descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileOperationError.system(file.path) }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                let error = FileOperationError.system(file.path)
                close(descriptor)
                throw error
            }
            let owner = FileManager.default.contents(atPath: file.path)
                .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            let who = owner.isEmpty ? "another run" : "the run of \(owner)"
            waiting("waiting for \(who) that holds the site folder \(site.relativePath)")
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    let error = FileOperationError.system(file.path)
                    close(descriptor)
                    throw error
                }
            }
        }
        let line = Data("pid \(getpid()) (\(String(holder.prefix(200))))\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = line.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return SiteLock(descriptor: descriptor)
    }

    /// Whether someone holds the lock of the file at `url` (without waiting).
    static func isHeld(_ url: URL) -> Bool {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return false }
        return errno == EWOULDBLOCK
    }

    /// Releases the lock (also done when the lock is dropped, or the process ends).
    public func release() {
        flock(descriptor, LOCK_UN)
    }
}
