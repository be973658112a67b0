import NotebookResults
import VAEEngine

/// What is known to exist at a point of the notebook, for the prerequisite checks of later commands.
///
/// Commands read and change it as the compiler walks the notebook in order, so "a model
/// before training" is checked before anything runs.
struct StaticState {
    var hasData = false
    var model: ModelSpec?
    var hasTrained = false
    var seed: UInt64?
    /// Checkpoint paths a `save weights` earlier in the notebook will have written.
    var savedPaths: Set<String> = []
}

/// Something a command needs an earlier command to have made.
enum Prerequisite: Sendable, Equatable {
    /// A `model` command.
    case model
    /// A `data` command.
    case data
    /// A `train` command since the last `model`.
    case training

    /// Why `command` cannot come here, or nil when `state` meets the prerequisite.
    func problem(for command: String, in state: StaticState) -> String? {
        switch self {
        case .model: state.model != nil ? nil : "'\(command)' needs a model; add a 'model' command before it"
        case .data: state.hasData ? nil : "'\(command)' needs data; add a 'data' command before it"
        case .training: state.hasTrained ? nil : "'\(command)' needs a 'train' command before it"
        }
    }
}
