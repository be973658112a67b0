/// Facts about the engine that runs record.
public enum EngineInfo {
    /// Bumped whenever numerics may change, so records name the engine that made them.
    /// 0.2.0: Adam in the ε̂ form (one division per weight), log1p by its atanh series.
    /// 0.3.0: products cut into parts by the engine and run on its own helper threads, each
    /// part a single-threaded OpenBLAS call (different bits from OpenBLAS' own threading).
    /// 0.3.1: Dense adds its bias after the product rather than starting the product from
    /// it (a product longer than OpenBLAS' k-block rounds the sum in another order).
    public static let version = "0.3.1"
}
