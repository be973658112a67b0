import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files a run writes outside its site (checkpoints from `save weights`, the record),
/// held in the run's staging area until the run commits.
///
/// A command stages a file under its final path; a later command of the same run that
/// reads that path reads the staged file (`readableFile(for:)`). Nothing reaches its final
/// path before `commit()`, which replaces each destination with one `rename(2)`. When the
/// staging area is on another file system than a destination, the file is first copied
/// beside it as `.NAME.notebook-staged-<pid>-<random>` and renamed from there; such a copy
/// left by a killed run is removed by the next commit into that folder.
public final class PendingOutputs: @unchecked Sendable {
    public let staging: StagingArea
    private let operations: FileOperations
    private let lock = NSLock()
    /// Destination path → staged file, in the order first staged.
    private var staged: [(destination: URL, file: URL)] = []

    public init(staging: StagingArea, operations: FileOperations = .system) {
        self.staging = staging
        self.operations = operations
    }

    /// Stages `data` to become `destination` at the commit.
    public func stage(_ data: Data, for destination: URL) throws {
        try stage(for: destination) { try operations.write(data, to: $0) }
    }

    /// Stages the file `write` makes at the URL it is given, to become `destination`.
    public func stage(for destination: URL, write: (URL) throws -> Void) throws {
        let destination = destination.standardizedFileURL
        let file = try staging.newPath(destination.lastPathComponent)
        try operations.write(to: file, by: write)
        let replaced: URL? = lock.withLock {
            if let index = staged.firstIndex(where: { $0.destination == destination }) {
                defer { staged[index].file = file }
                return staged[index].file
            }
            staged.append((destination, file))
            return nil
        }
        if let replaced { try? operations.removeTree(replaced) }
    }

    /// The staged file of `destination` when this run staged one: what a later read of
    /// that path within the run must see.
    public func stagedFile(for destination: URL) -> URL? {
        let destination = destination.standardizedFileURL
        return lock.withLock { staged.first { $0.destination == destination }?.file }
    }

    /// `destination` as this run sees it: its staged file, or the file itself.
    public func readableFile(for destination: URL) -> URL {
        stagedFile(for: destination) ?? destination
    }

    /// The destinations staged so far.
    public var destinations: [URL] { lock.withLock { staged.map(\.destination) } }

    public var isEmpty: Bool { lock.withLock { staged.isEmpty } }

    /// Moves every staged file over its destination, each in one step, in the order staged.
    ///
    /// - Throws: `FileOperationError` naming the destination; the files committed before it
    ///   stay committed, the rest stay staged (and go with the staging area).
    public func commit() throws {
        let files = lock.withLock { staged }
        // What would refuse a rename is found before the first one.
        for (destination, _) in files {
            var status = stat()
            if lstat(destination.path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
                throw FileOperationError(path: destination.path, reason: "a folder is in the way")
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: destination.deletingLastPathComponent().path, isDirectory: &isFolder),
                  isFolder.boolValue else {
                throw FileOperationError(path: destination.path, reason: "its folder does not exist")
            }
        }
        for (destination, file) in files {
            let folder = destination.deletingLastPathComponent()
            StagingArea.removeStaleBesideFiles(in: folder, operations: operations)
            do {
                try operations.rename(file, to: destination)
            } catch let error as FileOperationError where error.code == EXDEV {
                let beside = folder.appendingPathComponent(StagingArea.besideName(for: destination))
                do {
                    try operations.linkOrCopy(file, to: beside)
                    try operations.rename(beside, to: destination)
                } catch {
                    try? operations.removeTree(beside)
                    throw error
                }
            }
            lock.withLock { staged.removeAll { $0.destination == destination } }
        }
    }

    /// Forgets every staged file and deletes it.
    public func discard() {
        let files = lock.withLock { defer { staged = [] }; return staged }
        for (_, file) in files { try? operations.removeTree(file) }
    }
}
