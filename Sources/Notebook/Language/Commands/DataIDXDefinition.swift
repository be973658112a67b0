import NotebookResults
import VAEEngine

/// `data idx`: a dataset in the MNIST format from four files the notebook names (KMNIST,
/// EMNIST, a copy of MNIST), checked from their headers before anything runs.
struct DataIDXDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "data idx",
        summary: "Loads a dataset from four IDX files (the MNIST format, raw or gzip), paths relative to the notebook.",
        positionals: [],
        options: DataFilesForm.options(extension: "IDX, raw or .gz"),
        example: "data idx train-images=kmnist/train-images-idx3-ubyte.gz train-labels=kmnist/train-labels-idx1-ubyte.gz "
            + "test-images=kmnist/t10k-images-idx3-ubyte.gz test-labels=kmnist/t10k-labels-idx1-ubyte.gz "
            + "classes=[o,ki,su,tsu,na,ha,ma,ya,re,wo]")

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        DataFilesForm.build(.idx, arguments, &line)
    }

    func declare(_ arguments: CheckedArguments, built: (any Command)?, in state: inout StaticState) {
        DataFilesForm.declare(built: built, in: &state)
    }
}
