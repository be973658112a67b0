/// Why the site could not be written; `description` is the message a user reads.
///
/// Every case names the path involved and the reason the system gave, so a user can
/// fix the problem (a file where the output folder should be, a read-only disk).
public enum SiteError: Error, Equatable, CustomStringConvertible {
    /// The output folder is missing and could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// Something other than a folder is in the output folder's place.
    case notADirectory(path: String)
    /// A page name is not a plain file name inside the output folder.
    case invalidPageName(name: String, reason: String)
    /// A file could not be written to the temporary folder.
    case cannotWrite(path: String, reason: String)
    /// A finished file could not be moved over the old one.
    case cannotReplace(path: String, reason: String)
    /// The folder's `site.json` exists but cannot be used.
    case unreadableManifest(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            "cannot create the site folder \(path): \(reason)"
        case .notADirectory(let path):
            "cannot write the site to \(path): it exists and is not a folder"
        case .invalidPageName(let name, let reason):
            "cannot write page '\(name)': \(reason)"
        case .cannotWrite(let path, let reason):
            "cannot write \(path): \(reason); the previous site was left unchanged"
        case .cannotReplace(let path, let reason):
            "cannot replace \(path): \(reason)"
        case .unreadableManifest(let path, let reason):
            "cannot read \(path): \(reason); delete it and run again to list only the pages written from now on"
        }
    }
}
