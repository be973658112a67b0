import CBLAS
import Foundation

/// The engine's only door to OpenBLAS: matrix products and the thread setting.
///
/// Everything above the tensor layer multiplies through `BLAS.gemm`, so the
/// rest of the engine never sees a C type.
public enum BLAS {
    /// Whether an operand is used as stored or transposed.
    public enum Transpose: Hashable, Sendable {
        case none, transposed
        var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    }

    /// `C = alpha * op(A) * op(B) + beta * C` on row-major single-precision matrices.
    ///
    /// `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`; `lda`, `ldb`, `ldc` are the
    /// row strides of the matrices as stored.
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
    }

    /// When not nil, every `gemm` call appends its shape here (used by `vae-bench` to time
    /// the BLAS floor of an epoch: the same products with nothing around them).
    nonisolated(unsafe) public static var recordedShapes: [GemmShape]?

    /// While shapes are recorded, the wall-clock seconds spent inside those products, so a
    /// benchmark can split an epoch into matrix products in context and everything else.
    nonisolated(unsafe) public static var recordedSeconds: Double = 0

    @inline(__always)
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard recordedShapes != nil else {
            cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                        alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        recordedShapes!.append(GemmShape(transA: transA, transB: transB, m: m, n: n, k: k, accumulates: beta == 1))
        let started = DispatchTime.now().uptimeNanoseconds
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        recordedSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    /// Sets the number of OpenBLAS threads.
    ///
    /// Results are bit-identical run after run only for the same thread count, so
    /// the count is a configuration value that runs record, never "all cores".
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The number of threads OpenBLAS uses now.
    public static var threads: Int { Int(openblas_get_num_threads()) }

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
