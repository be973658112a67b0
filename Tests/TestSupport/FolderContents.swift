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
