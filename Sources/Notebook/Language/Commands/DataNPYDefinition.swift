import NotebookResults
import VAEEngine

/// `data npy`: a dataset from four NumPy `.npy` files the notebook names, checked from their
/// headers before anything runs.
struct DataNPYDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "data npy",
        summary: "Loads a dataset from four NumPy .npy files: images N×H×W or N×pixels, uint8 (0 to 255) or "
            + "float32 (0 to 1, kept as 256 grey levels); integer labels. Paths are relative to the notebook.",
        positionals: [],
        options: DataFilesForm.options(
            extension: ".npy",
            extra: [ArgumentSchema("size", .integerList(count: 2...2, each: 1...4096), absent: "square",
                                   "rows and columns of flat N×pixels images, like [32,32]")]),
        example: "data npy train-images=x_train.npy train-labels=y_train.npy test-images=x_test.npy "
            + "test-labels=y_test.npy train=5000")

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        DataFilesForm.build(.npy, arguments, &line)
    }

    func declare(_ arguments: CheckedArguments, built: (any Command)?, in state: inout StaticState) {
        DataFilesForm.declare(built: built, in: &state)
    }
}
