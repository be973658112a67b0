import Foundation

/// Every regular file under `folder` (following no link out of it), by path relative to
/// `folder`, with its bytes: to check that a command left a folder exactly as it was.
public func filesWithBytes(under folder: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    while let name = enumerator?.nextObject() as? String {
        let url = folder.appendingPathComponent(name)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
            files[name] = try Data(contentsOf: url)
        }
    }
    return files
}

/// A new temporary folder holding `files` (path relative to it → text), with any folders
/// the paths need; the caller removes it.
public func makeTemporaryFolder(_ name: String, holding files: [String: String]) throws -> URL {
    let folder = try makeTemporaryFolder(name)
    for (path, text) in files {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return folder
}
