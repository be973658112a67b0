import Foundation

/// The files a notebook reads besides itself: what `notebook preview` watches.
public enum NotebookInputs {
    /// The files every command reads from outside the run (dataset files, checkpoints the
    /// notebook does not write itself), as the commands name them.
    public static func files(of program: NotebookProgram, datasets: DatasetLocations) -> [URL] {
        let inputs = program.inputLocations(datasets: datasets)
        return program.blocks.flatMap(\.commands).flatMap { $0.command.inputFiles(inputs) }
    }
}
