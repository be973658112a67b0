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
        /// The commands as run: parameters substituted, defaults filled in.
        var canonical: [String]
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
                             canonical: program.blocks[index].commands.map(\.canonical),
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
        let now = program.blocks[index].commands.map(\.text)
        if before.commands != now { return Self.describeChange(from: before.commands, to: now) }
        if before.canonical != program.blocks[index].commands.map(\.canonical) {
            return "a parameter's value changed"
        }
        if history.root != keys.root { return "the engine, BLAS, threads, CPU or seed changed" }
        if before.stateBefore != keys.stateBefore(index) { return "an earlier block changed" }
        if before.stateAfter != keys.stateAfter[index] { return "a file it reads changed" }
        if before.outputs != keys.blockOutputs(index) { return "the figure code changed" }
        return "its cache entry is missing or damaged"
    }

    /// `'train' lr changed`, `'plot kl' is new`, `'summary' was removed`.
    static func describeChange(from old: [String], to new: [String]) -> String {
        let first = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
        guard first < old.count else { return "'\(commandName(new[first]))' is new" }
        guard first < new.count else { return "'\(commandName(old[first]))' was removed" }
        let (was, now) = (old[first], new[first])
        guard commandName(was) == commandName(now) else { return "'\(commandName(now))' is new" }
        let (wasOptions, nowOptions) = (options(was), options(now))
        let changed = Set(wasOptions.keys).union(nowOptions.keys).filter { wasOptions[$0] != nowOptions[$0] }.sorted()
        let what = changed.isEmpty ? "its arguments" : changed.joined(separator: ", ")
        return "'\(commandName(now))' \(what) changed"
    }

    /// The command's words before its first argument (`train`, `show samples`), as the
    /// language's schemas name commands.
    private static func commandName(_ text: String) -> String {
        let words = text.split(separator: " ")
        guard let first = words.first else { return text }
        if words.count > 1, CommandSchema.all.contains(where: { $0.name == "\(first) \(words[1])" }) {
            return "\(first) \(words[1])"
        }
        return String(first)
    }

    private static func options(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for word in text.split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { continue }
            result[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        return result
    }
}
