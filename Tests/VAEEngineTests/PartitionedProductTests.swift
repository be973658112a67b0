import Foundation
import Synchronization
import Testing
import VAEEngine

/// `BLAS.gemm` cuts a product into one part per thread and runs the parts on the worker pool.
/// Whatever the cut, every value must be the product's, each exactly once, with the same bits
/// whether the parts run on the helpers or one after another on the caller.
///
/// Pinned at two threads: the products are cut in two on any machine.
@Suite struct PartitionedProductTests {
    static let context = ComputeContext(threads: 2)

    struct Shape: CustomTestStringConvertible, Sendable {
        var transA: BLAS.Transpose, transB: BLAS.Transpose
        var m: Int, n: Int, k: Int
        var testDescription: String { "\(m)×\(n)×\(k) \(transA == .none ? "N" : "T")\(transB == .none ? "N" : "T")" }
    }

    /// Wide and tall products (cut across columns or rows), sides that are not multiples of
    /// the register block, products too small to cut, and the MLPs' real shapes.
    static let shapes: [Shape] = [
        Shape(transA: .none, transB: .none, m: 128, n: 400, k: 784),
        Shape(transA: .transposed, transB: .none, m: 784, n: 400, k: 128),
        Shape(transA: .none, transB: .transposed, m: 100, n: 257, k: 300),
        Shape(transA: .transposed, transB: .transposed, m: 301, n: 37, k: 129),
        Shape(transA: .none, transB: .none, m: 33, n: 17, k: 2000),
        Shape(transA: .none, transB: .none, m: 7, n: 5, k: 3),
    ]

    /// Operands filled from a fixed sequence, and the product in Double as the reference.
    struct Operands {
        let shape: Shape
        let a: [Float], b: [Float]
        var lda: Int { shape.transA == .none ? shape.k : shape.m }
        var ldb: Int { shape.transB == .none ? shape.n : shape.k }

        init(_ shape: Shape) {
            self.shape = shape
            var state: UInt32 = 12345
            func next() -> Float {
                state = state &* 1_664_525 &+ 1_013_904_223
                return Float(state >> 8) / Float(1 << 24) - 0.5
            }
            a = (0..<shape.m * shape.k).map { _ in next() }
            b = (0..<shape.k * shape.n).map { _ in next() }
        }

        func opA(_ i: Int, _ l: Int) -> Double { Double(shape.transA == .none ? a[i * lda + l] : a[l * lda + i]) }
        func opB(_ l: Int, _ j: Int) -> Double { Double(shape.transB == .none ? b[l * ldb + j] : b[j * ldb + l]) }

        func reference(_ i: Int, _ j: Int) -> Double { (0..<shape.k).reduce(0) { $0 + opA(i, $1) * opB($1, j) } }

        /// `C = C₀ + op(A)·op(B)` with `C₀ = 1`, optionally with an epilogue given C.
        func product(epilogue: ((UnsafeMutablePointer<Float>, Range<Int>, Range<Int>) -> Void)? = nil) -> [Float] {
            var c = [Float](repeating: 1, count: shape.m * shape.n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        let base = c.baseAddress!
                        BLAS.gemm(.init(m: shape.m, n: shape.n, k: shape.k), .init(a.baseAddress!, rowStride: lda, shape.transA),
                                  .init(b.baseAddress!, rowStride: ldb, shape.transB),
                                  into: .init(base, rowStride: shape.n, accumulate: true), context: PartitionedProductTests.context,
                                  epilogue: epilogue.map { body in { body(base, $0, $1) } })
                    }
                }
            }
            return c
        }
    }

    @Test(arguments: shapes) func everyValueIsTheProduct(shape: Shape) {
        let operands = Operands(shape)
        let c = operands.product()
        var worst = 0.0
        for i in 0..<shape.m {
            for j in 0..<shape.n {
                worst = max(worst, abs(Double(c[i * shape.n + j]) - (1 + operands.reference(i, j))))
            }
        }
        // Single-precision sums of k products of values below ½ in size.
        #expect(worst < 1e-5 * Double(shape.k), "largest error \(worst)")
    }

    /// Each block reaches the epilogue complete, once, and what the epilogue writes stays.
    @Test(arguments: shapes) func theEpilogueSeesEveryValueOnceAfterItIsComputed(shape: Shape) {
        let operands = Operands(shape)
        let plain = operands.product()
        let seen = Mutex([Float](repeating: .nan, count: shape.m * shape.n))
        let visits = Mutex([Int](repeating: 0, count: shape.m * shape.n))
        let negated = operands.product { c, rows, columns in
            for i in rows {
                for j in columns {
                    let index = i * shape.n + j
                    seen.withLock { $0[index] = c[index] }
                    visits.withLock { $0[index] += 1 }
                    c[index] = -c[index]
                }
            }
        }
        #expect(visits.withLock { $0.allSatisfy { $0 == 1 } })
        #expect(firstBitDifference(seen.withLock { $0 }, plain) == nil)
        #expect(firstBitDifference(negated.map { -$0 }, plain) == nil)
    }

    /// Inside a pass the pool is busy, so the parts run one after another on the caller; the
    /// bits must be those of the parts run on the helpers.
    @Test(arguments: shapes) func partsRunOnTheCallerGiveTheSameBits(shape: Shape) {
        let operands = Operands(shape)
        let onHelpers = operands.product()
        let onCaller = Mutex<[Float]>([])
        Self.context.forEach(2) { range in
            if range.contains(0) { onCaller.withLock { $0 = operands.product() } }
        }
        #expect(firstBitDifference(onCaller.withLock { $0 }, onHelpers) == nil)
    }
}
