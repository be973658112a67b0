import CBLAS

/// How one matrix product is cut into parts that run on different threads.
///
/// Stripes of C (or of k) have their edges on multiples of OpenBLAS' register block, so that
/// no part ends in a narrower tail kernel than the whole product would. Where the cut falls
/// depends only on the shape, the kind of cut and the thread count, never on timing.
///
/// - Across C's columns or rows (`longerSide`, `columns`, `rows`): each part packs all of the other
///   side's operand and its own stripe of the other, and every value of C is one dot product
///   over all of `k`.
/// - Across `k` (`depth`): each part multiplies its own range of `k` into a buffer of its own,
///   and the caller adds those partial products. A layer whose weight columns a thread owns
///   computes its input gradient this way without reading the other threads' columns.
struct GemmPartition {
    enum Side { case rows, columns, depth }

    let side: Side
    /// Stripe boundaries along `side`: part `i` covers `bounds[i]..<bounds[i + 1]`.
    let bounds: [Int]

    var parts: Int { bounds.count - 1 }

    /// Products below this many multiply-adds run whole: a part of one costs less than
    /// handing it to a helper.
    static let minimumWork = 1 << 20

    /// The same for the cuts that follow a layer's features, which are worth more: when a
    /// product is not cut, the thread that runs it writes, or reads, the other threads'
    /// features, and each such cache line then crosses between cores (about 0.5 µs when the
    /// host places the two cores far apart).
    static let minimumFeatureWork = 1 << 17

    /// Stripe edges across C's columns fall on multiples of 16, and across its rows on
    /// multiples of 4: the register block of OpenBLAS' Haswell/Zen sgemm kernel for a
    /// row-major product (16 × 4 in its column-major terms).
    static func granule(_ side: Side) -> Int { side == .rows ? 4 : 16 }

    /// The cuts that follow a layer's features (`columns`, `rows`, `depth`) all use 16, a
    /// multiple of both and 64 bytes of floats: the same number of features then gives the
    /// same stripes whichever side of a product they are on, and stripes of a row start on
    /// a cache line (`CacheLineStorage`).
    static let featureGranule = 16

    init(m: Int, n: Int, k: Int, threads: Int, cut: BLAS.Cut) {
        let granule: Int
        switch cut {
        case .longerSide:
            side = n >= m ? .columns : .rows
            granule = Self.granule(side)
        case .columns: (side, granule) = (.columns, Self.featureGranule)
        case .rows: (side, granule) = (.rows, Self.featureGranule)
        case .depth: (side, granule) = (.depth, Self.featureGranule)
        }
        let length = side == .columns ? n : side == .rows ? m : k
        let parts: Int
        if cut == .longerSide {
            parts = m * n * k < Self.minimumWork ? 1 : threads
        } else {
            parts = m * n * k < Self.minimumFeatureWork ? 1 : Self.featureStripeCount(length, threads: threads)
        }
        bounds = Self.stripes(length, granule: granule, parts: parts)
    }

    /// Boundaries of at most `parts` stripes covering `0..<length`, as even as whole
    /// granules allow; every stripe but the last is a whole number of granules.
    static func stripes(_ length: Int, granule: Int, parts: Int) -> [Int] {
        let count = stripeCount(length, granule: granule, parts: parts)
        return (0...count).map { stripeBound($0, of: count, length: length, granule: granule) }
    }

    /// How many stripes `stripes` makes: `parts`, or fewer when there are fewer granules.
    static func stripeCount(_ length: Int, granule: Int, parts: Int) -> Int {
        max(1, min(parts, (length + granule - 1) / granule))
    }

    /// Where stripe `index` of `count` starts (and stripe `index − 1` ends).
    static func stripeBound(_ index: Int, of count: Int, length: Int, granule: Int) -> Int {
        let blocks = (length + granule - 1) / granule
        return min(length, blocks * index / count * granule)
    }

    /// How many stripes the feature cuts make of `length` features for `threads` threads: one
    /// per thread, each of two granules at least, so that a layer with few features is not cut
    /// into a wide part and a sliver.
    static func featureStripeCount(_ length: Int, threads: Int) -> Int {
        max(1, min(threads, (length + featureGranule - 1) / featureGranule / 2))
    }

    /// Stripe `index` of `count` over `0..<length`.
    static func stripe(_ index: Int, of count: Int, length: Int, granule: Int) -> Range<Int> {
        stripeBound(index, of: count, length: length, granule: granule)
            ..< stripeBound(index + 1, of: count, length: length, granule: granule)
    }
}

extension BLAS {
    /// How `gemm` cuts a product into parts, one per thread.
    public enum Cut: Hashable, Sendable {
        /// Across C's longer side.
        case longerSide
        /// Across C's columns, into the feature stripes `ComputeContext.forEach(stripesOf:)`
        /// uses for the same width: a layer that cuts its products by feature and runs its
        /// passes over the same stripes keeps each stripe of its weights on one thread.
        case columns
        /// Across C's rows, into the same feature stripes.
        case rows
        /// Across `k`, each part into its own partial product that the caller then adds.
        case depth
    }

    /// One call's operands, so that a part can be cut from it.
    struct Product {
        let size: ProductSize
        let a: Operand, b: Operand
        let c: Destination

        /// Runs the product cut for `threads`: the parts on the worker pool, or all of them on
        /// this thread when the pool is busy (inside a pass), which gives the same values.
        /// Returns the number of parts.
        func run(threads: Int, cut: Cut, epilogue: ((Range<Int>, Range<Int>) -> Void)?) -> Int {
            let (m, n, k) = (size.m, size.n, size.k)
            let partition = GemmPartition(m: m, n: n, k: k, threads: threads, cut: cut)
            guard partition.parts > 1 else {
                multiply(rows: 0..<m, columns: 0..<n, depth: 0..<k, into: c.values, ldc: c.rowStride,
                         accumulate: c.accumulate, b: b.values)
                epilogue?(0..<m, 0..<n)
                return 1
            }
            precondition(partition.side != .depth || (c.partials != nil && epilogue == nil),
                         "a product cut across k needs a buffer for its partial products, and has no epilogue")
            let ran = WorkerPool.shared.run(parts: partition.parts) { run(part: $0, of: partition, epilogue: epilogue) }
            if !ran {
                for part in 0..<partition.parts { run(part: part, of: partition, epilogue: epilogue) }
            }
            return partition.parts
        }

        private func run(part: Int, of partition: GemmPartition, epilogue: ((Range<Int>, Range<Int>) -> Void)?) {
            let (m, n, k) = (size.m, size.n, size.k)
            let stripe = partition.bounds[part]..<partition.bounds[part + 1]
            let b = self.b.partCopies.map { $0[part] } ?? self.b.values
            switch partition.side {
            case .rows:
                multiply(rows: stripe, columns: 0..<n, depth: 0..<k, into: c.values, ldc: c.rowStride,
                         accumulate: c.accumulate, b: b)
                epilogue?(stripe, 0..<n)
            case .columns:
                multiply(rows: 0..<m, columns: stripe, depth: 0..<k, into: c.values, ldc: c.rowStride,
                         accumulate: c.accumulate, b: b)
                epilogue?(0..<m, stripe)
            case .depth:
                // Part 0 writes C as the whole product would (adding to it or not); the others
                // overwrite their own m × n buffers, packed one after another.
                if part == 0 {
                    multiply(rows: 0..<m, columns: 0..<n, depth: stripe, into: c.values, ldc: c.rowStride,
                             accumulate: c.accumulate, b: b)
                } else {
                    multiply(rows: 0..<m, columns: 0..<n, depth: stripe,
                             into: c.partials! + (part - 1) * m * n, ldc: n, accumulate: false, b: b)
                }
            }
        }

        /// The block `rows × columns` of the product over `depth`, as one single-threaded
        /// OpenBLAS call, reading B at `b` (the part's copy of it, or B itself).
        private func multiply(rows: Range<Int>, columns: Range<Int>, depth: Range<Int>,
                              into destination: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                              b: UnsafePointer<Float>) {
            let (lda, ldb) = (a.rowStride, self.b.rowStride)
            let aStart = a.transpose == .none ? a.values + rows.lowerBound * lda + depth.lowerBound
                                              : a.values + depth.lowerBound * lda + rows.lowerBound
            let bStart = self.b.transpose == .none ? b + depth.lowerBound * ldb + columns.lowerBound
                                                   : b + columns.lowerBound * ldb + depth.lowerBound
            cblas_sgemm(CblasRowMajor, a.transpose.cblas, self.b.transpose.cblas,
                        Int32(rows.count), Int32(columns.count), Int32(depth.count),
                        1, aStart, Int32(lda), bStart, Int32(ldb), accumulate ? 1 : 0,
                        destination + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
        }
    }
}
