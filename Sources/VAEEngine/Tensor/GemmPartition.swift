import CBLAS

/// How one matrix product is cut into parts that run on different threads.
///
/// A product `C = op(A) · op(B)` is cut across the longer side of C, into stripes whose
/// edges fall on multiples of OpenBLAS' register block, so that no part ends in a narrower
/// tail kernel than the whole product would. Each part then packs all of the short side's
/// operand (the smaller one to copy twice) and only its own stripe of the other. Every value
/// of C is still one dot product over all of `k`, so a part's values are the same whichever
/// thread runs it; the cut depends only on the shape and the thread count.
struct GemmPartition {
    enum Side { case rows, columns }

    let side: Side
    /// Stripe boundaries along `side`: part `i` covers `bounds[i]..<bounds[i + 1]`.
    let bounds: [Int]

    var parts: Int { bounds.count - 1 }

    /// Products below this many multiply-adds run whole: a part of one costs less than
    /// handing it to a helper.
    static let minimumWork = 1 << 20

    /// Stripe edges across C's columns fall on multiples of 16 and across its rows on
    /// multiples of 4: the register block of OpenBLAS' Haswell/Zen sgemm kernel for a
    /// row-major product (16 × 4 in its column-major terms).
    static func granule(_ side: Side) -> Int { side == .columns ? 16 : 4 }

    init(m: Int, n: Int, k: Int, threads: Int) {
        side = n >= m ? .columns : .rows
        let length = side == .columns ? n : m
        let granule = Self.granule(side)
        let blocks = (length + granule - 1) / granule
        let parts = m * n * k < Self.minimumWork ? 1 : max(1, min(threads, blocks))
        bounds = (0...parts).map { min(length, blocks * $0 / parts * granule) }
    }
}

extension BLAS {
    /// One call's operands, so that a part can be cut from it.
    struct Product {
        let transA: Transpose, transB: Transpose
        let m: Int, n: Int, k: Int
        let alpha: Float
        let a: UnsafePointer<Float>, lda: Int
        let b: UnsafePointer<Float>, ldb: Int
        let beta: Float
        let c: UnsafeMutablePointer<Float>, ldc: Int

        /// Runs the product cut for `threads`: the parts on the worker pool, or all of them on
        /// this thread when the pool is busy (inside a pass), which gives the same values.
        func run(threads: Int, epilogue: ((Range<Int>, Range<Int>) -> Void)?) {
            let partition = GemmPartition(m: m, n: n, k: k, threads: threads)
            guard partition.parts > 1 else {
                multiply(rows: 0..<m, columns: 0..<n)
                epilogue?(0..<m, 0..<n)
                return
            }
            let ran = WorkerPool.shared.run(parts: partition.parts) { run(part: $0, of: partition, epilogue: epilogue) }
            if !ran {
                for part in 0..<partition.parts { run(part: part, of: partition, epilogue: epilogue) }
            }
        }

        private func run(part: Int, of partition: GemmPartition, epilogue: ((Range<Int>, Range<Int>) -> Void)?) {
            let stripe = partition.bounds[part]..<partition.bounds[part + 1]
            let (rows, columns) = partition.side == .rows ? (stripe, 0..<n) : (0..<m, stripe)
            multiply(rows: rows, columns: columns)
            epilogue?(rows, columns)
        }

        /// The block `rows × columns` of C, as one single-threaded OpenBLAS call.
        private func multiply(rows: Range<Int>, columns: Range<Int>) {
            // Row i of op(A) starts at a + i·lda, or at column i of A as stored when transposed;
            // likewise column j of op(B).
            let aStart = transA == .none ? a + rows.lowerBound * lda : a + rows.lowerBound
            let bStart = transB == .none ? b + columns.lowerBound : b + columns.lowerBound * ldb
            cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas,
                        Int32(rows.count), Int32(columns.count), Int32(k),
                        alpha, aStart, Int32(lda), bStart, Int32(ldb), beta,
                        c + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
        }
    }
}
