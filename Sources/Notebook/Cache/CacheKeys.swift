import Checksums
import Foundation
import VAEEngine

/// The chained keys of a notebook's blocks, computed before anything runs.
///
/// - root: the cache format, engine version, BLAS configuration and kernel, threads, CPU
///   and seed — what decides the bits of every result;
/// - the state after block k: the state key before it, the block's session-changing
///   commands in canonical form (after `$param` substitution, defaults filled in, so
///   comments, spacing and option order drop out) and the digests of the files they read
///   (dataset files, checkpoints not written by the notebook itself). A block that changes
///   nothing keeps the key before it, so a figure block inserted anywhere invalidates nothing;
/// - the outputs of block k: the state key before it, all of its canonical commands, and
///   the figure code's version.
struct CacheKeys {
    let root: String
    /// The state key after each runnable block.
    let stateAfter: [String]
    /// The outputs key of each runnable block.
    let outputs: [String]
    /// Whether each runnable block changes the session (and so has a snapshot).
    let changesSession: [Bool]

    /// Bumped whenever a figure's computation changes, so cached figures are not reused.
    static let figureCodeVersion = "figures/1"
    static let format = "notebook-cache/1"

    init(program: NotebookProgram, threads: Int, cpuArchitecture: String,
         inputDigest: (Command) -> [String]) {
        root = Self.hash([Self.format, EngineInfo.version, BLAS.configuration, BLAS.coreName, String(threads),
                          cpuArchitecture, String(program.seed)])
        var state = root
        var stateAfter: [String] = []
        var outputs: [String] = []
        var changes: [Bool] = []
        for block in program.blocks {
            // `param` and `seed` are settled before anything runs: their values reach the key
            // through the commands that use them and through the root.
            let canonical = block.commands.map(\.command).filter { !Self.isDeclaration($0) }.map { String(describing: $0) }
            outputs.append(Self.hash([state, Self.figureCodeVersion] + canonical))
            let changing = block.commands.map(\.command).filter(Self.changesSession)
            if !changing.isEmpty {
                let parts = changing.flatMap { [String(describing: $0)] + inputDigest($0) }
                state = Self.hash([state] + parts)
            }
            stateAfter.append(state)
            changes.append(!changing.isEmpty)
        }
        self.stateAfter = stateAfter
        self.outputs = outputs
        changesSession = changes
    }

    /// The state key before runnable block `index` (0-based).
    func stateBefore(_ index: Int) -> String { index == 0 ? root : stateAfter[index - 1] }

    /// Whether a command changes what later blocks see; figures and tables only read.
    static func changesSession(_ command: Command) -> Bool {
        switch command {
        case .data, .model, .train, .evaluate, .saveWeights, .loadWeights: true
        case .parameter, .seed, .tableLosses, .plotLosses, .showReconstructions, .showSamples, .summary,
             .plotLatent, .showManifold, .showEvolution: false
        }
    }

    static func isDeclaration(_ command: Command) -> Bool {
        switch command {
        case .parameter, .seed: true
        default: false
        }
    }

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
