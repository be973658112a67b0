import CBLAS
import Foundation

/// The engine's only door to OpenBLAS: matrix products.
///
/// Everything above the tensor layer multiplies through `BLAS.gemm`, so the
/// rest of the engine never sees a C type.
///
/// OpenBLAS itself always runs on one thread. With more threads in its context, `gemm` cuts a
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

    /// The shape of one matrix product, for replaying a workload's products alone
    /// (`ProductLog`).
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

    /// The size of a product: `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`.
    public struct ProductSize: Hashable, Sendable {
        public var m: Int
        public var n: Int
        public var k: Int
        public init(m: Int, n: Int, k: Int) {
            (self.m, self.n, self.k) = (m, n, k)
        }
    }

    /// A factor of a product as stored: row-major values with a row stride, used as stored or
    /// transposed. Element `(i, l)` of `op(A)` is at `values + i·rowStride + l`, or at
    /// `values + l·rowStride + i` when transposed.
    public struct Operand {
        public var values: UnsafePointer<Float>
        public var rowStride: Int
        public var transpose: Transpose
        /// One pointer per part to copies of these values, which part `p` reads instead
        /// (`Matrix.threadCopies`); nil to read `values` in every part.
        public var partCopies: [UnsafePointer<Float>]?

        public init(_ values: UnsafePointer<Float>, rowStride: Int, _ transpose: Transpose = .none,
                    partCopies: [UnsafePointer<Float>]? = nil) {
            self.values = values
            self.rowStride = rowStride
            self.transpose = transpose
            self.partCopies = partCopies
        }

        public init(_ values: UnsafeMutablePointer<Float>, rowStride: Int, _ transpose: Transpose = .none,
                    partCopies: [UnsafePointer<Float>]? = nil) {
            self.init(UnsafePointer(values), rowStride: rowStride, transpose, partCopies: partCopies)
        }
    }

    /// Where a product goes: `C`, row-major with a row stride, overwritten or added to.
    public struct Destination {
        public var values: UnsafeMutablePointer<Float>
        public var rowStride: Int
        /// Add the product to C (`beta = 1`) instead of overwriting it.
        public var accumulate: Bool
        /// For a cut across `k` (`Cut.depth`): where the parts after the first write their own
        /// `m × n` products, row stride `n`, part `p` at `partials + (p − 1)·m·n`; room for
        /// `threads − 1` such blocks.
        public var partials: UnsafeMutablePointer<Float>?

        public init(_ values: UnsafeMutablePointer<Float>, rowStride: Int, accumulate: Bool = false,
                    partials: UnsafeMutablePointer<Float>? = nil) {
            self.values = values
            self.rowStride = rowStride
            self.accumulate = accumulate
            self.partials = partials
        }
    }

    /// `C = op(A) · op(B)` (or `C += …`) on row-major single-precision matrices, cut into one
    /// part per thread of `context` as `cut` says (`Cut`).
    ///
    /// With `.depth`, C receives only the first part's product and the other parts write
    /// theirs into `c.partials`: the caller adds them to C, in order. The return value is the
    /// number of parts; 1 means C holds the whole product.
    ///
    /// `epilogue`, when given, is called once per part with the block of C that part has just
    /// computed (`rows`, `columns`), on the same thread, while that block is still in cache:
    /// the place for a bias and an activation. It must compute each value of C from that
    /// value alone, so that the cut does not change it. Not with `.depth`.
    @inline(__always) @discardableResult
    public static func gemm(_ size: ProductSize, _ a: Operand, _ b: Operand, into c: Destination,
                            cut: Cut = .longerSide, context: ComputeContext,
                            epilogue: ((_ rows: Range<Int>, _ columns: Range<Int>) -> Void)? = nil) -> Int {
        _ = machineThreads  // OpenBLAS' own threads off before its first product
        let product = Product(size: size, a: a, b: b, c: c)
        guard let log = context.productLog, log.isRecording else {
            return product.run(threads: context.threads, cut: cut, epilogue: epilogue)
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let parts = product.run(threads: context.threads, cut: cut, epilogue: epilogue)
        log.record(GemmShape(transA: a.transpose, transB: b.transpose, m: size.m, n: size.n, k: size.k,
                             accumulates: c.accumulate, cut: cut),
                   seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return parts
    }

    /// The thread count OpenBLAS would have used by itself (its own default, one per core or
    /// `OPENBLAS_NUM_THREADS`), read once; reading it turns OpenBLAS' own threading off for
    /// good, since the engine cuts its products itself (`ComputeContext`).
    public static let machineThreads: Int = {
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
