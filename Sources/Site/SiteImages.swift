import Foundation
import NotebookResults

/// A local image the prose refers to that cannot be published.
public struct ImageReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var reason: String

    public init(location: SourceLocation, reason: String) {
        self.location = location
        self.reason = reason
    }

    /// The image's path as the notebook wrote it is shown with control characters escaped.
    public var description: String { "\(location): error: \(TerminalText.escaped(reason))" }
}

/// The local images of a notebook's prose, which the site copies next to its page.
///
/// A reference with a scheme (`https:`, `data:`), a network path (`//…`) or an absolute
/// path (`/…`) is left untouched. Any other is a path relative to the notebook's folder
/// (its query and fragment dropped, percent-escapes decoded): it must name a file inside
/// that folder, which is copied to the same relative path beside the page, so the link
/// the page already has finds it.
public enum SiteImages {
    /// Site-relative path → the file to copy there, for every local image of `document`.
    ///
    /// - Throws: every problem at once, each with the reference's position: an image that
    ///   does not exist, is not a file, or lies outside the notebook's folder.
    ///   An image reached through a symbolic link must lie in the notebook's folder or one of
    ///   `allowedOutside` after the link is followed (`PathConfinement`), and be a regular file.
    public static func files(for document: Document,
                             allowedOutside: [URL] = []) throws(ImageReferenceErrors) -> [String: URL] {
        let folder = URL(fileURLWithPath: document.path).deletingLastPathComponent()
        let confinement = PathConfinement(notebookFolder: folder, allowedOutside: allowedOutside)
        var files: [String: URL] = [:]
        var errors: [ImageReferenceError] = []
        for image in document.images {
            guard let relative = localPath(image.source) else { continue }
            let shown = image.source
            guard let normalized = normalized(relative) else {
                errors.append(ImageReferenceError(location: image.location,
                                                  reason: "image '\(shown)' is outside the notebook's folder; "
                                                      + "put it inside \(folder.path) to publish it"))
                continue
            }
            let file = folder.appendingPathComponent(normalized)
            do {
                let resolved = try confinement.resolve(normalized)
                if resolved.kind == nil {
                    errors.append(ImageReferenceError(location: image.location,
                                                      reason: "image '\(shown)' not found (looked for \(file.path))"))
                } else {
                    files[normalized] = URL(fileURLWithPath: resolved.realPath)
                }
            } catch .notRegularFile(_, .folder) {
                errors.append(ImageReferenceError(location: image.location, reason: "image '\(shown)' is a folder, not a file"))
            } catch {
                errors.append(ImageReferenceError(location: image.location, reason: "cannot publish image '\(shown)': \(error)"))
            }
        }
        guard errors.isEmpty else { throw ImageReferenceErrors(errors: errors) }
        return files
    }

    /// The relative file path a reference names, or nil for one the site leaves untouched.
    static func localPath(_ source: String) -> String? {
        var path = Substring(source)
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        guard !path.isEmpty, !path.hasPrefix("/") else { return nil }
        // A scheme: letters, digits, +, -, . before the first ':' and no '/' before it.
        if let colon = path.firstIndex(of: ":"), !path[..<colon].contains("/") { return nil }
        return String(path).removingPercentEncoding ?? String(path)
    }

    /// `a/./b/../c.png` → `a/c.png`; nil when the path leaves its folder or names nothing.
    static func normalized(_ path: String) -> String? {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                guard !components.isEmpty else { return nil }
                components.removeLast()
            } else {
                components.append(component)
            }
        }
        return components.isEmpty ? nil : components.joined(separator: "/")
    }
}

/// Every image problem of a notebook, one line each.
public struct ImageReferenceErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ImageReferenceError]

    public init(errors: [ImageReferenceError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
