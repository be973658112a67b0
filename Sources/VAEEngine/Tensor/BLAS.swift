import CBLAS
import Foundation

/// The engine's only door to OpenBLAS: matrix products and the thread setting.
///
/// Everything above the tensor layer multiplies through `BLAS.gemm`, so the
/// rest of the engine never sees a C type.
///
/// OpenBLAS itself always runs on one thread. With more threads configured, `gemm` cuts a
/// product into one part per thread (`GemmPartition`) and runs the parts on the engine's own
/// helpers, the same ones that run the passes between the products. OpenBLAS' worker threads
/// would otherwise spin while those passes run, on the cores the helpers need, and a helper
/// would sleep through every product and wake late for the pass after it. Each part is one
/// single-threaded `cblas_sgemm`, so its values do not depend on which thread runs it or when.
public enum BLAS {
    /// Whether an operand is used as stored or transposed.
    public enum Transpose: Hashable, Sendable {
        case none, transposed
        var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    }

    /// The shape of one matrix product, for replaying a workload's products alone.
    public struct GemmShape: Hashable, Sendable {
        public var transA: Transpose
        public var transB: Transpose
        public var m: Int
        public var n: Int
        public var k: Int
        /// Whether the product added to C (`beta = 1`) rather than overwrote it; OpenBLAS
        /// clears C first in the second case, which the floor must pay for too.
        public var accumulates: Bool
        /// How the product was cut into parts.
        public var cut: Cut
    }

    /// When not nil, every `gemm` call appends its shape here (used by `vae-bench` to time
    /// the BLAS floor of an epoch: the same products with nothing around them).
    nonisolated(unsafe) public static var recordedShapes: [GemmShape]?

    /// While shapes are recorded, the wall-clock seconds spent inside those products (with
    /// their epilogues), so a benchmark can split an epoch into products in context and the rest.
    nonisolated(unsafe) public static var recordedSeconds: Double = 0

    /// `C = alpha * op(A) * op(B) + beta * C` on row-major single-precision matrices.
    ///
    /// `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`; `lda`, `ldb`, `ldc` are the
    /// row strides of the matrices as stored.
    ///
    /// `cut` says how the product is cut into parts, one per thread (`Cut`). With `.depth`,
    /// C receives only the first part's product and part `p > 0` writes its own `m × n`
    /// product, row stride `n`, at `partials + (p − 1)·m·n`: the caller adds them to C, in
    /// order, which `partials` must have room for (`threads − 1` such blocks). The return
    /// value is the number of parts; 1 means C holds the whole product.
    ///
    /// `bCopies`, when given, holds one pointer per part to copies of B with the same values:
    /// part `p` reads `bCopies[p]` (`Matrix.threadCopies`).
    ///
    /// `epilogue`, when given, is called once per part with the block of C that part has just
    /// computed (`rows`, `columns`), on the same thread, while that block is still in cache:
    /// the place for a bias and an activation. It must compute each value of C from that
    /// value alone, so that the cut does not change it. Not with `.depth`.
    @inline(__always) @discardableResult
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
                            cut: Cut = .longerSide, partials: UnsafeMutablePointer<Float>? = nil,
                            bCopies: [UnsafePointer<Float>]? = nil,
                            epilogue: ((_ rows: Range<Int>, _ columns: Range<Int>) -> Void)? = nil) -> Int {
        let product = Product(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, partials: partials,
                              bCopies: bCopies)
        guard recordedShapes != nil else {
            return product.run(threads: threads, cut: cut, epilogue: epilogue)
        }
        recordedShapes!.append(GemmShape(transA: transA, transB: transB, m: m, n: n, k: k, accumulates: beta == 1,
                                         cut: cut))
        let started = DispatchTime.now().uptimeNanoseconds
        let parts = product.run(threads: threads, cut: cut, epilogue: epilogue)
        recordedSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return parts
    }

    /// Sets the number of threads for the products and the passes around them.
    ///
    /// Results are bit-identical run after run only for the same thread count (it decides
    /// how products are cut into parts), so the count is a configuration value that runs
    /// record, never "all cores".
    public static func setThreads(_ count: Int) {
        _ = defaultThreads
        configuredThreads = max(1, count)
    }

    /// The number of threads the products and passes use now.
    public static var threads: Int { configuredThreads ?? defaultThreads }

    nonisolated(unsafe) private static var configuredThreads: Int?

    /// Until a count is set: as many as OpenBLAS would have used (its own default, one per
    /// core or `OPENBLAS_NUM_THREADS`). Reading it turns OpenBLAS' own threading off for good.
    private static let defaultThreads: Int = {
        let count = Int(openblas_get_num_threads())
        openblas_set_num_threads(1)
        return max(1, count)
    }()

    /// OpenBLAS' build description (version, kernel, maximum threads), for run manifests.
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text).trimmingCharacters(in: .whitespaces)
    }

    /// The CPU kernel OpenBLAS chose at load time (e.g. `Haswell`, `Zen`).
    public static var coreName: String {
        guard let text = openblas_get_corename() else { return "unknown" }
        return String(cString: text)
    }
}
