/// Facts about the engine that runs record.
public enum EngineInfo {
    /// Bumped whenever numerics may change, so records name the engine that made them.
    /// 0.2.0: Adam in the ε̂ form (one division per weight), log1p by its atanh series.
    /// 0.3.0: products cut into parts by the engine and run on its own helper threads, each
    /// part a single-threaded OpenBLAS call (different bits from OpenBLAS' own threading).
    public static let version = "0.3.0"
}
