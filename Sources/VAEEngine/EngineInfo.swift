/// Facts about the engine that runs record.
public enum EngineInfo {
    /// Bumped whenever numerics may change, so records name the engine that made them.
    /// 0.2.0: Adam in the ε̂ form (one division per weight), log1p by its atanh series.
    /// 0.3.0: products cut into parts by the engine and run on its own helper threads, each
    /// part a single-threaded OpenBLAS call (different bits from OpenBLAS' own threading).
    /// 0.3.1: Dense adds its bias after the product rather than starting the product from
    /// it (a product longer than OpenBLAS' k-block rounds the sum in another order).
    /// 0.4.0: each thread owns a stripe of a dense layer's output features through forward,
    /// weight gradient and optimizer; dense weights are held `[outputs, inputs]`, the input
    /// gradient is each thread's partial product added in order, and the reconstruction loss
    /// of a row is its stripes' sums added in order.
    /// 0.5.0: an MLP's activations and its batch are held feature-major between dense layers
    /// (products with other transposes), the loss adds each image's pixels stripe by stripe
    /// in that order, and products with few outputs are cut by their input features.
    /// 0.5.1: a dense layer with few outputs after a feature-major one (an MLP encoder's last)
    /// cuts its forward product across its inputs and adds the partials in order.
    public static let version = "0.5.1"
}
