import Foundation

/// Runs the passes around the matrix products on as many threads as BLAS uses.
///
/// Work is split into contiguous ranges of samples; every value is computed by exactly the same
/// operations whatever the split, so results never depend on the thread count or timing.
enum ParallelRanges {
    /// Calls `body` on contiguous ranges covering `0..<count`, concurrently when BLAS has more
    /// than one thread and there are at least `minimumPerThread` items per thread.
    static func forEach(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let threads = min(BLAS.threads, count / max(minimumPerThread, 1))
        guard threads > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let task = UncheckedTask(body: body)
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                task.body(count * part / threads..<count * (part + 1) / threads)
            }
        }
    }

    /// A closure that only touches disjoint parts of its buffers per range.
    private struct UncheckedTask: @unchecked Sendable {
        let body: (Range<Int>) -> Void
    }
}
