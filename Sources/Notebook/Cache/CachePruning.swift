import Foundation

extension NotebookCache {
    /// Deletes the entries no kept run of any notebook uses, then, while the cache is larger
    /// than `sizeLimit`, the runs with the oldest finish time and what only they used.
    ///
    /// Only regular files of the cache's own name form in its own sub-folders are deleted
    /// (see `CacheFolder`): whatever else is there, and wherever a link leads, stays.
    /// An entry written by a run still going on in another process is not yet listed; it
    /// may be deleted, and that run's next use of it computes it again.
    func prune() {
        removeStaleTemporaryFiles()
        var histories = allHistories()
        while true {
            let kept = Set(histories.flatMap { $0.history.runs.flatMap(\.entries) })
            var total: Int64 = 0
            for kind in CacheFolder.entryKinds {
                for file in files.list(kind) where !CacheName.isTemporary(file.name) {
                    if kept.contains("\(kind)/\(file.name)") {
                        total += file.size
                    } else {
                        files.remove(kind, file.name)
                    }
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
            write(histories[h].history, named: histories[h].name)
        }
    }

    /// Removes a notebook's runs from the cache and every entry only they used.
    ///
    /// - Returns: how many runs were forgotten.
    @discardableResult
    public func clean(notebook: String) -> Int {
        let name = historyName(for: notebook)
        let count = history(of: notebook)?.runs.count ?? 0
        files.remove(CacheFolder.historyKind, name)
        prune()
        return count
    }

    /// The cache's entries (`outputs/KEY`, …) with their sizes in bytes.
    public func entrySizes() -> [String: Int64] {
        var sizes: [String: Int64] = [:]
        for kind in CacheFolder.entryKinds {
            for file in files.list(kind) where !CacheName.isTemporary(file.name) {
                sizes["\(kind)/\(file.name)"] = file.size
            }
        }
        return sizes
    }

    /// Temporary files a killed run left (`.NAME~HOST~PID~RANDOM.tmp`): at once when a run
    /// of this host with that pid has ended, otherwise once they are an hour old (the pid
    /// may have been reused, or the run is on another machine, where it cannot be asked;
    /// a run still writing one renames it within seconds).
    private func removeStaleTemporaryFiles() {
        let hourAgo = Date().addingTimeInterval(-3600)
        for kind in CacheFolder.kinds {
            for file in files.list(kind) {
                guard let (host, pid) = CacheName.temporaryParts(file.name) else { continue }
                let ended = host == CacheName.hostName && pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
                if ended || file.modified < hourAgo { files.remove(kind, file.name) }
            }
        }
    }

    private func allHistories() -> [(name: String, history: RunHistory)] {
        files.list(CacheFolder.historyKind).map(\.name).filter { !CacheName.isTemporary($0) }.sorted().compactMap { name in
            history(named: name).map { (name, $0) }
        }
    }
}
