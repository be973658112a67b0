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
///
/// The holder removes the file when it releases the lock, so a finished run leaves nothing
/// beside the site (a killed run leaves the file, which the next run takes over and removes).
/// A waiter may then hold the lock of a file no longer at the path; so after every `flock` the
/// waiter checks that the file it locked is still the one at the path, and starts again if not.
/// Only a holder removes the file, so a holder that passed the check keeps it until it releases.
public final class SiteLock {
    /// The lock file for `site`: `<parent>/.<name>.notebook-lock`.
    public static func lockFile(forSite site: URL) -> URL {
        let site = site.standardizedFileURL
        return site.deletingLastPathComponent().appendingPathComponent(".\(site.lastPathComponent).notebook-lock")
    }

    private let descriptor: Int32
    private let file: URL
    private var held = true

    private init(descriptor: Int32, file: URL) {
        self.descriptor = descriptor
        self.file = file
    }

    deinit {
        release()
        close(descriptor)
    }

    /// Takes the lock of `site`, waiting for another holder to finish; `waiting` is called
    /// once with a sentence naming the holder when there is one. `holder` (e.g. `notebook
    /// vae.md`) is what a later waiter is told.
    public static func acquire(site: URL, holder: String, waiting: (String) -> Void) throws -> SiteLock {
        let file = lockFile(forSite: site)
        var toldWaiting = false
        var descriptor: Int32
        while true {
            descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw FileOperationError.system(file.path) }
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK else {
                    let error = FileOperationError.system(file.path)
                    close(descriptor)
                    throw error
                }
                if !toldWaiting {
                    toldWaiting = true
                    let owner = FileManager.default.contents(atPath: file.path)
                        .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
                    let who = owner.isEmpty ? "another run" : "the run of \(owner)"
                    waiting("waiting for \(who) that holds the site folder \(site.relativePath)")
                }
                while flock(descriptor, LOCK_EX) != 0 {
                    guard errno == EINTR else {
                        let error = FileOperationError.system(file.path)
                        close(descriptor)
                        throw error
                    }
                }
            }
            if isStillAtPath(descriptor, file) { break }
            // The holder before removed the file while this run waited: lock the one at the path now.
            close(descriptor)
        }
        let line = Data("pid \(getpid()) (\(String(holder.prefix(200))))\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = line.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return SiteLock(descriptor: descriptor, file: file)
    }

    /// Whether the open file `descriptor` is the file at `file`'s path (same device and inode).
    private static func isStillAtPath(_ descriptor: Int32, _ file: URL) -> Bool {
        var opened = stat(), named = stat()
        guard fstat(descriptor, &opened) == 0, stat(file.path, &named) == 0 else { return false }
        return opened.st_dev == named.st_dev && opened.st_ino == named.st_ino
    }

    /// Whether someone holds the lock of the file at `url` (without waiting).
    static func isHeld(_ url: URL) -> Bool {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return false }
        return errno == EWOULDBLOCK
    }

    /// Releases the lock and removes its file (also done when the lock is dropped; the kernel
    /// releases it when the process ends, leaving the file for the next run).
    public func release() {
        guard held else { return }
        held = false
        unlink(file.path)
        flock(descriptor, LOCK_UN)
    }
}
