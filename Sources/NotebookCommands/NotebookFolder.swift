import Foundation
import NotebookResults
import Notebook

/// The notebooks of a folder, for `notebook build`.
enum NotebookFolder {
    struct Listing {
        /// Notebook paths as the user would type them (`notebooks/vae.md`), sorted by name.
        var paths: [String]
        /// Markdown files left out because they have no `swift-vae` block.
        var skipped: [String]
    }

    /// The `*.md` files directly in `folder` (not in sub-folders, not hidden) that hold at
    /// least one `swift-vae` block.
    ///
    /// Whether a file is a notebook is decided by its content rather than its name, so a
    /// README or notes beside the notebooks are skipped without a list of names to keep up.
    /// A missing folder, a file, or a folder without notebooks is a usage error.
    static func notebooks(in folder: String) throws -> Listing {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw CommandFailure.usage("\(folder): error: no such folder")
        }
        guard isDirectory.boolValue else {
            throw CommandFailure.usage("\(folder): error: is a file; give a folder of notebooks, or use 'notebook run \(folder)'")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw CommandFailure.usage("\(folder): error: cannot be read (permission denied?)")
        }
        var listing = Listing(paths: [], skipped: [])
        for name in names.sorted() where name.hasSuffix(".md") && !name.hasPrefix(".") {
            let path = join(folder, name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            // An unreadable file is kept, so that compiling it reports why.
            if let text = try? NotebookSource.read(path),
               MarkdownParser.parse(text, path: path).runnableBlocks.isEmpty {
                listing.skipped.append(path)
            } else {
                listing.paths.append(path)
            }
        }
        guard !listing.paths.isEmpty else {
            throw CommandFailure.usage("\(folder): error: no notebooks here (a notebook is a .md file with a swift-vae block)")
        }
        return listing
    }

    /// `notebooks` + `vae.md` → `notebooks/vae.md`; `.` + `vae.md` → `vae.md`.
    private static func join(_ folder: String, _ name: String) -> String {
        var folder = Substring(folder)
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        if folder == "." { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
