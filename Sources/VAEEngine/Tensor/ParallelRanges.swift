/// Runs the passes around the matrix products on as many threads as BLAS uses.
///
/// Work is split into contiguous ranges of samples; every value is computed by exactly the same
/// operations whatever the split, so results never depend on the thread count or timing.
public enum ParallelRanges {
    /// Calls `body` on contiguous ranges covering `0..<count`, concurrently when BLAS has more
    /// than one thread and there are at least `minimumPerThread` items per thread.
    public static func forEach(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let threads = min(BLAS.threads, count / max(minimumPerThread, 1))
        guard threads > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        let ran = WorkerPool.shared.run(parts: threads) { part in
            body(count * part / threads..<count * (part + 1) / threads)
        }
        // The helpers are busy with another caller's pass: the whole range here gives the same values.
        if !ran { body(0..<count) }
    }
}
