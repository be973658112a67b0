import Foundation

extension NotebookCache {
    /// Deletes the entries no kept run of any notebook uses, then, while the cache is larger
    /// than `sizeLimit`, the runs with the oldest finish time and what only they used.
    ///
    /// An entry written by a run still going on in another process is not yet listed; it
    /// may be deleted, and that run's next use of it computes it again.
    func prune() {
        removeStaleTemporaryFiles()
        var histories = allHistories()
        while true {
            let kept = Set(histories.flatMap { $0.history.runs.flatMap(\.entries) })
            let sizes = entrySizes()
            var total: Int64 = 0
            for (entry, size) in sizes {
                if kept.contains(entry) {
                    total += size
                } else {
                    try? FileManager.default.removeItem(at: folder.appendingPathComponent(entry))
                }
            }
            guard total > sizeLimit else { return }
            // Drop the oldest run across notebooks (but never a notebook's latest alone
            // when it is the only run left: the cache is then as small as it can be).
            let candidates = histories.indices.flatMap { h in histories[h].history.runs.indices.map { (h, $0) } }
            guard candidates.count > 1,
                  let (h, r) = candidates.min(by: { histories[$0.0].history.runs[$0.1].finishedAt
                                                    < histories[$1.0].history.runs[$1.1].finishedAt }) else { return }
            histories[h].history.runs.remove(at: r)
            write(histories[h].history, to: histories[h].url)
        }
    }

    /// Removes a notebook's runs from the cache and every entry only they used.
    ///
    /// - Returns: how many runs were forgotten.
    @discardableResult
    public func clean(notebook: String) -> Int {
        let url = historyURL(for: notebook)
        let count = history(of: notebook)?.runs.count ?? 0
        try? FileManager.default.removeItem(at: url)
        prune()
        return count
    }

    /// The cache's entries (`outputs/KEY`, …) with their sizes in bytes.
    public func entrySizes() -> [String: Int64] {
        var sizes: [String: Int64] = [:]
        for kind in ["outputs", "snapshots", "continuations", "blobs"] {
            let directory = folder.appendingPathComponent(kind)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names where !name.hasPrefix(".") {
                let size = (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path))?[.size]
                sizes["\(kind)/\(name)"] = (size as? NSNumber)?.int64Value ?? 0
            }
        }
        return sizes
    }

    /// Temporary files a killed run left (`.KEY.PID.tmp`): at once when the run with that
    /// pid has ended, otherwise once they are an hour old (the pid may have been reused; a
    /// run still writing one renames it within seconds).
    private func removeStaleTemporaryFiles() {
        let hourAgo = Date().addingTimeInterval(-3600)
        for kind in ["outputs", "snapshots", "continuations", "blobs", "runs"] {
            let directory = folder.appendingPathComponent(kind)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
                let url = directory.appendingPathComponent(name)
                let parts = name.split(separator: ".")
                if parts.count >= 2, let pid = pid_t(parts[parts.count - 2]), pid != getpid(),
                   kill(pid, 0) != 0, errno == ESRCH {
                    try? FileManager.default.removeItem(at: url)
                    continue
                }
                let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
                if let modified, modified < hourAgo { try? FileManager.default.removeItem(at: url) }
            }
        }
    }

    private func allHistories() -> [(url: URL, history: RunHistory)] {
        let directory = folder.appendingPathComponent("runs")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.sorted().compactMap { name in
            let url = directory.appendingPathComponent(name)
            guard name.hasSuffix(".json"), let data = FileManager.default.contents(atPath: url.path),
                  let history = try? JSONDecoder().decode(RunHistory.self, from: data) else { return nil }
            return (url, history)
        }
    }

    private func write(_ history: RunHistory, to url: URL) {
        if history.runs.isEmpty {
            try? FileManager.default.removeItem(at: url)
        } else if let data = try? JSONEncoder().encode(history) {
            try? AtomicFile.write(data, to: url)
        }
    }
}
