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

    /// Like `forEach`, over the stripes of `width` features that `BLAS.gemm` cuts with
    /// `.columns`, `.rows` or `.depth` for the same thread count: part `i` here is part `i` there,
    /// and runs on the same thread when the helpers keep up, so a pass over a product's
    /// output finds each stripe in the cache of the thread that computed it.
    public static func forEach(stripesOf width: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        forEachStripe(of: width, minimumPerThread: minimumPerThread) { _, columns in body(columns) }
    }

    /// How many stripes `forEachStripe` cuts `width` columns into.
    public static func stripeCount(of width: Int, minimumPerThread: Int = 1) -> Int {
        min(GemmPartition.featureStripeCount(width, threads: BLAS.threads), max(1, width / max(minimumPerThread, 1)))
    }

    /// `forEach(stripesOf:)` with each stripe's number, for passes that keep one partial
    /// result per stripe and combine them in order: when the helpers are busy, the stripes
    /// run one after another on the caller, so the partials are the same.
    public static func forEachStripe(of width: Int, minimumPerThread: Int = 1,
                                     _ body: (_ stripe: Int, _ columns: Range<Int>) -> Void) {
        guard width > 0 else { return }
        let granule = GemmPartition.featureGranule
        let parts = stripeCount(of: width, minimumPerThread: minimumPerThread)
        func stripe(_ part: Int) -> Range<Int> { GemmPartition.stripe(part, of: parts, length: width, granule: granule) }
        if parts > 1, WorkerPool.shared.run(parts: parts, { body($0, stripe($0)) }) { return }
        for part in 0..<parts { body(part, stripe(part)) }
    }
}
