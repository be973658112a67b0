import Checksums
import Foundation
import VAEEngine

/// The chained keys of a notebook's commands, computed before anything runs.
///
/// - root: the cache format, the language's version (what defaults mean), the engine version,
///   BLAS configuration and kernel, threads, CPU and seed — what decides the bits of every result;
/// - the state after a session-changing command: the state key before it, the command in
///   canonical form (`CanonicalCommand`: `$param` substituted, defaults left out, so comments,
///   spacing, option order and a new argument with a default drop out) and the digests of the files it reads (dataset files,
///   checkpoints not written by the notebook itself). A figure keeps the key before it, so
///   a figure inserted anywhere invalidates nothing;
/// - the outputs of a command: the state key before it, the command in canonical form, and
///   the figure code's version.
///
/// Keys are per command, not per block: a figure edited in a block that also trains
/// re-runs that figure from the snapshot after training, not the training.
struct CacheKeys {
    /// The keys of one command.
    struct Step {
        var stateBefore: String
        var stateAfter: String
        var outputs: String
        var changesSession: Bool
        /// `param` and `seed`: settled before anything runs, they produce nothing to cache.
        var isDeclaration: Bool
    }

    let root: String
    /// Per runnable block, the keys of its commands.
    let steps: [[Step]]
    /// The state key after each runnable block.
    let stateAfter: [String]

    /// Bumped whenever a figure's computation changes, so cached figures are not reused.
    /// `figures/4`: tables say what their numbers are (−ELBO, objective, a bound on no density)
    /// and `evaluate test` shares the last test pass's stream.
    static let figureCodeVersion = "figures/4"
    static let format = "notebook-cache/4"

    init(program: NotebookProgram, threads: Int, cpuArchitecture: String,
         inputDigest: (any Command) -> [String]) {
        root = Self.hash([Self.format, CanonicalCommand.languageVersion, EngineInfo.version, BLAS.configuration, BLAS.coreName, String(threads),
                          cpuArchitecture, String(program.seed)])
        var state = root
        var steps: [[Step]] = []
        var stateAfter: [String] = []
        for block in program.blocks {
            var blockSteps: [Step] = []
            for located in block.commands {
                let canonical = located.canonical
                let before = state
                let changes = located.command.effect == .changesSession
                if changes { state = Self.hash([state, canonical] + inputDigest(located.command)) }
                blockSteps.append(Step(stateBefore: before, stateAfter: state,
                                       outputs: Self.hash([before, Self.figureCodeVersion, canonical]),
                                       changesSession: changes, isDeclaration: located.command.effect == .declaration))
            }
            steps.append(blockSteps)
            stateAfter.append(state)
        }
        self.steps = steps
        self.stateAfter = stateAfter
    }

    /// The state key before runnable block `index` (0-based).
    func stateBefore(_ index: Int) -> String { index == 0 ? root : stateAfter[index - 1] }

    /// One key for a whole block's outputs, for the run history.
    func blockOutputs(_ index: Int) -> String { Self.hash(steps[index].map(\.outputs)) }

    /// SHA-256 of the parts, each prefixed by its length so no two lists hash alike.
    static func hash(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            let bytes = Array(part.utf8)
            hasher.update(Array("\(bytes.count):".utf8))
            hasher.update(bytes)
        }
        return hasher.finalize().hex
    }
}
