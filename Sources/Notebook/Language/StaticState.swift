import NotebookResults
import VAEEngine

/// What is known to exist at a point of the notebook, for the prerequisite checks of later commands.
///
/// Commands read and change it as the compiler walks the notebook in order, so "a model
/// before training" is checked before anything runs.
struct StaticState {
    /// A model the notebook has built by this point.
    struct BuiltModel {
        var name: String
        /// Its architecture; nil when its `model` line failed, which still declares the model
        /// so later lines report no follow-on errors, but leaves nothing to check them against.
        var spec: ModelSpec?
        var hasTrained = false
        /// The reconstruction loss of its latest `train`, which `evaluate` scores it with.
        var loss: ReconstructionLoss = .bce
        /// The Markdown line of its `model` command, for messages about it on later lines.
        var line: Int?
    }

    /// The Markdown line being compiled, set by the compiler before each command line.
    var line = 0

    var hasData = false
    /// The size of the images the latest `data` command loads, and where that command is;
    /// nil before any, or when its line failed before the size was known.
    var imageSize: ImageSize?
    /// How many images each split of the latest `data` command holds; nil before any, or
    /// when its line failed before the counts were known.
    var splitSizes: SplitSizes?
    /// Every model built so far, in order.
    var models: [BuiltModel] = []
    /// The position in `models` of the current model.
    var currentIndex: Int?
    var seed: UInt64?
    /// Checkpoint paths a `save weights` earlier in the notebook will have written.
    var savedPaths: Set<String> = []

    /// Why data of `size` cannot come here: a model built earlier takes images of another size.
    func sizeProblem(_ size: ImageSize) -> String? {
        guard let model = models.first(where: { $0.spec.map { ($0.imageHeight, $0.imageWidth) != (size.rows, size.columns) } ?? false }),
              let spec = model.spec else { return nil }
        return "these images are \(size.text) but the model '\(model.name)' was built for "
            + "\(spec.imageHeight)×\(spec.imageWidth) images; load the data before building models for it"
    }

    /// Whether a model has been built (or its `model` line tried) by this point.
    var hasModel: Bool { currentIndex != nil }

    /// The current model's architecture, when it is known.
    var model: ModelSpec? { currentIndex.flatMap { models[$0].spec } }

    /// Whether the current model has been trained.
    var hasTrained: Bool {
        get { currentIndex.map { models[$0].hasTrained } ?? false }
        set { if let index = currentIndex { models[index].hasTrained = newValue } }
    }

    func model(named name: String) -> BuiltModel? { models.first { $0.name == name } }

    /// Why `name` names no model here, with a suggestion and the models there are.
    func unknownModel(_ name: String) -> String {
        let known = models.map(\.name)
        return "no model named '\(name)'\(Suggestion.hint(for: name, in: known)); the notebook has built: "
            + known.joined(separator: ", ")
    }

    /// The name a model built now gets when the notebook gives none: `model-1`, `model-2`, …
    var nextDefaultName: String { "model-\(models.count + 1)" }
}

/// Rows × columns of a dataset's images, known before anything runs.
struct ImageSize: Equatable {
    var rows: Int
    var columns: Int
    /// The `data` command that gives it.
    var location: SourceLocation

    var text: String { "\(rows)×\(columns)" }
}

/// How many images each split of a dataset holds, known before anything runs: the
/// counts a `data` line asks for (`train=300 test=30`), or else the dataset's own.
struct SplitSizes: Equatable {
    var train: Int
    var test: Int
    /// The `data` command that gives them.
    var location: SourceLocation

    func count(_ split: Split) -> Int { split == .train ? train : test }

    /// Why a figure that needs `needed` images of `split` cannot be drawn here, or nil when
    /// the split has them; `what` says what needs them (`image=150`, `pairs=20`).
    func shortage(of needed: Int, _ split: Split, for what: String) -> String? {
        let held = count(split)
        guard needed > held else { return nil }
        return "\(what) needs \(needed) \(split.rawValue) image\(needed == 1 ? "" : "s"); the data on line \(location.line) "
            + "has \(held)"
    }
}

/// Something a command needs an earlier command to have made.
enum Prerequisite: Sendable, Equatable {
    /// A `model` command.
    case model
    /// A `data` command.
    case data
    /// A `train` command of the current model.
    case training

    /// Why `command` cannot come here, or nil when `state` meets the prerequisite.
    func problem(for command: String, in state: StaticState) -> String? {
        switch self {
        case .model: state.hasModel ? nil : "'\(command)' needs a model; add a 'model' command before it"
        case .data: state.hasData ? nil : "'\(command)' needs data; add a 'data' command before it"
        case .training:
            state.hasTrained ? nil
                : state.models.count > 1 && state.currentIndex != nil
                ? "'\(command)' needs the model '\(state.models[state.currentIndex!].name)' trained; add a 'train' command before it"
                : "'\(command)' needs a 'train' command before it"
        }
    }
}
