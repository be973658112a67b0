/// How the engine runs a model: how many threads its products and passes are cut for and,
/// for benchmarks, where the products and layer times are logged.
///
/// A value handed to the engine — the model holds one (`VAE.context`), the trainer and the
/// optimizers use the model's, and every layer and pass receives it — never process-wide
/// state: two models in one process (or two tests running side by side) can use different
/// counts, and a test pins its count (two threads even on a one-core runner, where the
/// striped code paths then still cut every product and pass in two and add the parts in order).
///
/// Results are bit-identical run after run only for the same thread count (it decides how the
/// products are cut into parts), so the count is a setting that records keep, never "all cores".
public struct ComputeContext: Sendable {
    /// Parts per product and pass; each part runs as a single-threaded OpenBLAS call or a
    /// loop on one of the engine's helper threads (`WorkerPool`), whatever the cores.
    public let threads: Int
    /// When set, every product appends its shape and time here (`vae-bench`'s BLAS floor).
    public let productLog: ProductLog?
    /// When set, `Sequential` times each layer's forward and backward here (`vae-bench --layers`).
    public let layerProfile: LayerProfile?

    /// At most this many threads: the worker pool's limit.
    public static let maximumThreads = 64

    public init(threads: Int, productLog: ProductLog? = nil, layerProfile: LayerProfile? = nil) {
        precondition((1...Self.maximumThreads).contains(threads), "the engine runs on 1 to \(Self.maximumThreads) threads, not \(threads)")
        self.threads = threads
        self.productLog = productLog
        self.layerProfile = layerProfile
    }

    /// One thread per core OpenBLAS would use by itself (`OPENBLAS_NUM_THREADS`, or the cores
    /// it sees): for tools without a recorded thread count.
    public static var machineDefault: ComputeContext {
        ComputeContext(threads: min(BLAS.machineThreads, maximumThreads))
    }

    /// A single thread: the reference every other count must agree with to rounding.
    public static let singleThread = ComputeContext(threads: 1)

    /// The same settings with another thread count.
    public func with(threads: Int) -> ComputeContext {
        ComputeContext(threads: threads, productLog: productLog, layerProfile: layerProfile)
    }
}
