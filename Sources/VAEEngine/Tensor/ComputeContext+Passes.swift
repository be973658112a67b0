/// The passes around the matrix products, run on as many threads as the context has.
///
/// Work is split into contiguous ranges of samples; every value is computed by exactly the same
/// operations whatever the split, so results never depend on the thread count or timing.
extension ComputeContext {
    /// Runs `body(part)` for every part in `0..<parts` on the worker threads, or all of them
    /// one after another on this thread when the helpers are busy with another caller's pass
    /// (or this is called from inside one), which gives the same values.
    public func runParts(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        if !WorkerPool.shared.run(parts: parts, body) {
            for part in 0..<parts { body(part) }
        }
    }

    /// Calls `body` on contiguous ranges covering `0..<count`, concurrently when the context has
    /// more than one thread and there are at least `minimumPerThread` items per thread.
    public func forEach(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, count / max(minimumPerThread, 1))
        guard parts > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        runParts(parts) { part in body(count * part / parts..<count * (part + 1) / parts) }
    }

    /// Like `forEach`, over the stripes of `width` features that `BLAS.gemm` cuts with
    /// `.columns`, `.rows` or `.depth` for the same context: part `i` here is part `i` there,
    /// and runs on the same thread when the helpers keep up, so a pass over a product's
    /// output finds each stripe in the cache of the thread that computed it.
    public func forEach(stripesOf width: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        forEachStripe(of: width, minimumPerThread: minimumPerThread) { _, columns in body(columns) }
    }

    /// How many stripes `forEachStripe` cuts `width` columns into.
    public func stripeCount(of width: Int, minimumPerThread: Int = 1) -> Int {
        min(GemmPartition.featureStripeCount(width, threads: threads), max(1, width / max(minimumPerThread, 1)))
    }

    /// `forEach(stripesOf:)` with each stripe's number, for passes that keep one partial
    /// result per stripe and combine them in order: when the helpers are busy, the stripes
    /// run one after another on the caller, so the partials are the same.
    public func forEachStripe(of width: Int, minimumPerThread: Int = 1,
                              _ body: (_ stripe: Int, _ columns: Range<Int>) -> Void) {
        guard width > 0 else { return }
        let granule = GemmPartition.featureGranule
        let parts = stripeCount(of: width, minimumPerThread: minimumPerThread)
        runParts(parts) { part in body(part, GemmPartition.stripe(part, of: parts, length: width, granule: granule)) }
    }
}
