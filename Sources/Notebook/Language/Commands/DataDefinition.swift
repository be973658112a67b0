import NotebookResults
import VAEEngine

/// `data`: loads a dataset, optionally a subset, optionally binarized; later commands need it.
struct DataDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "data", summary: "Loads a dataset, optionally only its first images.",
        positionals: [ArgumentSchema("dataset", .choice(["fashion-mnist", "mnist"]), "the dataset")],
        options: [ArgumentSchema("train", .integer(1...60_000), absent: "all", "training images to use"),
                  ArgumentSchema("test", .integer(1...10_000), absent: "all", "test images to use"),
                  ArgumentSchema("binarize", .choice(["none", "static", "dynamic"]), default: "none",
                                 "pixels as grey levels, thresholded once, or sampled as 0/1 every step"),
                  ArgumentSchema("threshold", .real(0...1), default: "0.5", "the threshold of binarize=static")],
        example: "data fashion-mnist train=2000 test=500")

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        let binarization: Binarization
        switch arguments.word("binarize") {
        case "static": binarization = .threshold(Float(arguments.real("threshold")))
        case "dynamic": binarization = .dynamic
        default: binarization = .none
        }
        if let span = arguments.span(of: "threshold"), arguments.word("binarize") != "static" {
            return line.fail("'threshold' applies only to binarize=static", at: span)
        }
        line.state.hasData = true
        return .data(DataRequest(name: arguments.word("dataset"), trainCount: arguments.value("train")?.integer,
                                 testCount: arguments.value("test")?.integer, binarization: binarization))
    }
}
