import NotebookResults

/// `show manifold`: a grid decoded from a 2-D latent space; needs a model with latent=2.
struct ShowManifoldDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "show manifold", summary: "A grid of images decoded from evenly spaced points of a 2-D latent space.",
        positionals: [ArgumentSchema("size", .integer(2...40), default: "20", "images per side")],
        options: [ArgumentSchema("range", .real(0.1...10), default: "2", "the grid spans [-range, range] on both axes")],
        example: "show manifold 20 range=2")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> Command? {
        if let latent = line.state.model?.latent, latent != 2 {
            return line.failCommand("'show manifold' needs a 2-D latent space; the model has latent=\(latent) (use 'plot latent' instead)")
        }
        return .showManifold(size: arguments.integer("size"), range: arguments.real("range"))
    }
}
