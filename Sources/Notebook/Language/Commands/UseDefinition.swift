import NotebookResults

/// `use NAME`: makes an earlier model the current one again.
struct UseDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "use", summary: "Makes an earlier model current again: later training and figures act on it, continuing where it left off.",
        positionals: [ArgumentSchema("model", .name, "the model's name (model-N for the N-th model built without a name)")],
        options: [], example: "use beta4")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let name = arguments.word("model")
        guard let index = line.state.models.firstIndex(where: { $0.name == name }) else {
            return line.fail(line.state.unknownModel(name), at: arguments.span(of: "model")!)
        }
        line.state.currentIndex = index
        return UseCommand(model: name)
    }
}

/// Switches the current model.
public struct UseCommand: Command, Equatable {
    public var model: String

    public init(model: String) { self.model = model }

    public var effect: CommandEffect { .changesSession }

    public func run(in context: ExecutionContext) -> [BlockOutput] {
        let session = context.session
        session.currentIndex = session.models.firstIndex { $0.name == model }
        return [.text("using the model '\(model)'")]
    }
}
