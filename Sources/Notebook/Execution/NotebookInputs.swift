import Foundation

/// The files a notebook reads besides itself: what `notebook preview` watches.
public enum NotebookInputs {
    /// Dataset files of every `data` command and checkpoints of every `load weights`
    /// (paths relative to the notebook's folder).
    public static func files(of program: NotebookProgram, datasets: DatasetLocations) -> [URL] {
        let folder = URL(fileURLWithPath: program.document.path).deletingLastPathComponent()
        var files: [URL] = []
        for command in program.blocks.flatMap(\.commands) {
            switch command.command {
            case .data(let request): files += datasets.files(for: request)
            case .loadWeights(let path): files.append(URL(fileURLWithPath: path, relativeTo: folder))
            default: break
            }
        }
        return files
    }
}
