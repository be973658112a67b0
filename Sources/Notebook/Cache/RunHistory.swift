import Foundation

/// The last cached runs of a notebook (at most `NotebookCache.runsKept`), block by block:
/// so a re-run can name what changed ("'train' lr changed"), and so pruning knows which
/// entries the recent runs use.
struct RunHistory: Codable {
    struct Run: Codable {
        var root: String
        var blocks: [Block]
        /// Every entry the run used or wrote (`outputs/KEY`, `snapshots/KEY`, …).
        var entries: [String]
        var finishedAt: String
    }

    struct Block: Codable {
        /// The commands as written (trimmed, without comments).
        var commands: [String]
        /// The commands as run, in canonical form: parameters substituted, defaults left out.
        var canonical: [CanonicalCommand]
        var stateBefore: String
        var stateAfter: String
        /// One key for the block's outputs (its commands' outputs keys hashed together).
        var outputs: String
        /// The outputs entry of each command.
        var commandOutputs: [String]
    }

    var notebook: String
    var runs: [Run]
}

extension NotebookCache {
    /// How many runs of each notebook keep their entries.
    static let runsKept = 3

    /// The name of a notebook's history in `runs/`: its absolute path, hashed.
    func historyName(for notebook: String) -> String {
        let absolute = URL(fileURLWithPath: notebook).standardizedFileURL.path
        return CacheKeys.hash([absolute]) + ".json"
    }

    func history(of notebook: String) -> RunHistory? {
        history(named: historyName(for: notebook))
    }

    /// The history in `runs/NAME`, read without following a link; nil when it is missing or
    /// cannot be read (the history only names what changed and what pruning keeps).
    func history(named name: String) -> RunHistory? {
        guard case .file(let data) = files.read(CacheFolder.historyKind, name) else { return nil }
        return try? JSONDecoder().decode(RunHistory.self, from: data)
    }

    /// Writes a history; one without runs is removed.
    func write(_ history: RunHistory, named name: String) {
        if history.runs.isEmpty {
            files.remove(CacheFolder.historyKind, name)
        } else if let data = try? JSONEncoder().encode(history), !files.write(data, CacheFolder.historyKind, name) {
            warnUnwritable()
        }
    }

    /// Remembers this run (its blocks and the entries it used), keeping the last few runs,
    /// then prunes what no kept run uses.
    func recordRun(of program: NotebookProgram, keys: CacheKeys, entries: Set<String>, finishedAt: String) {
        let run = RunHistory.Run(root: keys.root, blocks: program.blocks.indices.map { index in
            RunHistory.Block(commands: program.blocks[index].commands.map(\.text),
                             canonical: program.blocks[index].commands.map(\.canonicalForm),
                             stateBefore: keys.stateBefore(index), stateAfter: keys.stateAfter[index],
                             outputs: keys.blockOutputs(index),
                             commandOutputs: keys.steps[index].map(\.outputs))
        }, entries: entries.sorted(), finishedAt: finishedAt)
        let path = program.document.path
        var history = history(of: path) ?? RunHistory(notebook: URL(fileURLWithPath: path).standardizedFileURL.path, runs: [])
        history.runs = Array((history.runs + [run]).suffix(Self.runsKept))
        write(history, named: historyName(for: path))
        prune()
    }

    /// Why runnable block `index` runs again, compared with the last run of the notebook;
    /// nil when the notebook has not run with this cache before (there is nothing to name).
    func reason(forRunning index: Int, of program: NotebookProgram, keys: CacheKeys) -> String? {
        guard let history = self.history(of: program.document.path)?.runs.last else { return nil }
        guard index < history.blocks.count else { return "a new block" }
        let before = history.blocks[index]
        let now = program.blocks[index].commands.map(\.canonicalForm)
        if before.canonical != now {
            let change = Self.describeChange(from: before.canonical, to: now)
            // The same text run with other values: a `-p` value or a `param` default changed.
            return before.commands == program.blocks[index].commands.map(\.text)
                ? "a parameter's value changed (\(change))" : change
        }
        if history.root != keys.root { return "the engine, BLAS, threads, CPU or seed changed" }
        if before.stateBefore != keys.stateBefore(index) { return "an earlier block changed" }
        if before.stateAfter != keys.stateAfter[index] { return "a file it reads changed" }
        if before.outputs != keys.blockOutputs(index) { return "the figure code changed" }
        return "its cache entry is missing or cannot be used"
    }

    /// `'train' lr changed: 0.001 → 0.002`, `'plot kl' is new`, `'summary' was removed`: the
    /// first command that differs, from the commands' canonical forms (an argument left out
    /// shows its default, or `none`).
    public static func describeChange(from old: [CanonicalCommand], to new: [CanonicalCommand]) -> String {
        let first = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
        guard first < old.count else { return "'\(new[first].name)' is new" }
        guard first < new.count else { return "'\(old[first].name)' was removed" }
        let (was, now) = (old[first], new[first])
        guard was.name == now.name else { return "'\(now.name)' is new" }
        var names: [String] = []
        for name in (was.arguments + now.arguments).map(\.name) where !names.contains(name) { names.append(name) }
        let changes = names.compactMap { name -> String? in
            let (before, after) = (was.effectiveValue(of: name), now.effectiveValue(of: name))
            guard before != after else { return nil }
            return "\(name) changed: \(before ?? "none") → \(after ?? "none")"
        }
        return "'\(now.name)' " + (changes.isEmpty ? "changed" : changes.joined(separator: ", "))
    }
}
