import Checksums
import Foundation
import NotebookResults
import VAEEngine

/// `load weights`: reads a checkpoint that exists already or that the notebook saves earlier.
struct LoadWeightsDefinition: CommandDefinition {
    let schema = CommandSchema(
        name: "load weights", summary: "Reads weights into the current model from a file saved for the same architecture: a `.safetensors` file (ours or PyTorch's, tensors named as in docs/interop.md) or one of the engine's checkpoints.",
        positionals: [ArgumentSchema("path", .path, "the checkpoint file")],
        options: [], example: "load weights vae.ckpt")

    let prerequisites: [Prerequisite] = [.model]

    func build(_ arguments: CheckedArguments, _ line: inout LineContext) -> (any Command)? {
        let path = arguments.word("path")
        let resolved: PathConfinement.Resolved
        do {
            resolved = try line.confinement.resolve(path)
        } catch {
            return line.fail("cannot load '\(path)': \(error)", at: arguments.span(of: "path")!)
        }
        // A checkpoint the notebook saves itself fits by construction only if saved from this
        // architecture, which running it checks; one that exists already is checked here.
        guard !line.state.savedPaths.contains(path) else { return LoadWeightsCommand(path: path) }
        let url = resolved.url(root: line.confinement.root)
        if resolved.kind == nil {
            return line.fail("no checkpoint '\(path)' (looked for \(resolved.realPath)); write one first with 'save weights \(path)'",
                             at: arguments.span(of: "path")!)
        }
        if WeightsFormat(path: path) == .safetensors {
            do {
                let header = try SafetensorsFile.header(at: url)
                if let spec = line.state.model,
                   let mismatch = SafetensorsFile.mismatch(header, model: VAE(spec: spec).parameters, modelSpec: spec, path: path) {
                    return line.fail("\(mismatch)", at: arguments.span(of: "path")!)
                }
            } catch {
                return line.fail("\(error)", at: arguments.span(of: "path")!)
            }
            return LoadWeightsCommand(path: path)
        }
        let header: (spec: ModelSpec, parameters: [(name: String, shape: [Int])])
        do {
            header = try Checkpoint.header(at: url)
        } catch {
            return line.fail("\(error)", at: arguments.span(of: "path")!)
        }
        if let spec = line.state.model, let problem = Self.mismatch(header, spec) {
            return line.fail("checkpoint '\(path)' \(problem)", at: arguments.span(of: "path")!)
        }
        return LoadWeightsCommand(path: path)
    }

    /// How a checkpoint's parameters differ from those of a model of `spec`, or nil when they fit.
    static func mismatch(_ header: (spec: ModelSpec, parameters: [(name: String, shape: [Int])]), _ spec: ModelSpec) -> String? {
        let model = VAE(spec: spec).parameters.map { (name: $0.name, shape: $0.shape) }
        guard let index = (0..<max(model.count, header.parameters.count)).first(where: { index in
            index >= model.count || index >= header.parameters.count
                || model[index].name != header.parameters[index].name || model[index].shape != header.parameters[index].shape
        }) else { return nil }
        func describe(_ spec: ModelSpec) -> String {
            func list(_ sizes: [Int]) -> String { "[" + sizes.map(String.init).joined(separator: ",") + "]" }
            return "\(spec.kind.rawValue) encoder=\(list(spec.encoder)) latent=\(spec.latent) decoder=\(list(spec.decoder))"
                + (spec.kind == .conv ? " kernel=\(spec.kernel) stride=\(spec.stride)" : "")
                + (spec.residualBlocks > 0 ? " residual=\(spec.residualBlocks)" : "")
        }
        let name = index < header.parameters.count ? header.parameters[index].name : model[index].name
        func shape(_ parameters: [(name: String, shape: [Int])]) -> String {
            parameters.first { $0.name == name }.map { "[" + $0.shape.map(String.init).joined(separator: ", ") + "]" } ?? "absent"
        }
        return "holds a model \(describe(header.spec)), not the current model's \(describe(spec)) "
            + "(\(name) is \(shape(header.parameters)) in the file, \(shape(model)) in the model)"
    }
}

/// Reads weights into the current model.
public struct LoadWeightsCommand: Command, Equatable {
    /// As written, relative to the notebook's folder.
    public var path: String

    public init(path: String) { self.path = path }

    public var effect: CommandEffect { .changesSession }

    /// A checkpoint the notebook saves itself is an output of earlier commands, which the
    /// state key already covers; one from elsewhere is an input.
    public func inputFiles(_ inputs: InputLocations) -> [URL] {
        inputs.writtenByNotebook.contains(path) ? [] : [inputs.resolve(path)]
    }

    public func run(in context: ExecutionContext) throws -> [BlockOutput] {
        let session = context.session
        // A checkpoint this run saved is still staged; it is read from there.
        let url = try context.readable(path)
        try WeightsFormat(path: path).load(into: session.current.model, from: url, named: path)
        // A checkpoint from elsewhere is an input like a dataset: a changed file must show
        // in the record. One this run saved is compared through the outputs it leads to.
        if !session.savedPaths.contains(path), let bytes = try? Data(contentsOf: url) {
            session.inputChecksums[path] = bytes.withUnsafeBytes { SHA256.hash($0).hex }
        }
        return [.text("loaded weights from \(path)")]
    }
}
