/// A row-major matrix of `Float` with manually managed, reusable storage.
///
/// Training reuses the same matrices step after step: `resize(rows:)` changes
/// the row count within the allocated capacity, so a training step allocates
/// nothing. The matrix itself is row-major storage and nothing more: whether a row is a
/// sample (a batch as the data loader writes it) or a feature (activations between dense
/// layers, feature-major) is decided by the code that writes it, which says so.
public final class Matrix {
    public private(set) var rows: Int
    public let columns: Int
    private(set) var capacityRows: Int
    /// Contiguous storage of at least `rows * columns` values.
    public private(set) var data: UnsafeMutablePointer<Float>

    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns > 0, "a matrix needs a non-negative row count and columns")
        self.rows = rows
        self.columns = columns
        self.capacityRows = max(rows, 1)
        self.data = CacheLineStorage.allocate(capacityRows * columns)
        data.initialize(repeating: 0, count: capacityRows * columns)
    }

    public convenience init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "expected \(rows * columns) values, got \(values.count)")
        self.init(rows: rows, columns: columns)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { data.deallocate() }

    public var count: Int { rows * columns }

    /// Copies of these values that helper threads filled for themselves, one per part after the
    /// first (`BatchLoader.load(threadCopies:)`): part `p` of a product or pass reads `copy(p)`,
    /// which the thread that runs it wrote, so the values never cross between cores. Empty
    /// for an ordinary matrix.
    var threadCopies: [Matrix] = []

    /// The copy part `part` reads: itself for part 0, or when there are no copies.
    func copy(forPart part: Int) -> Matrix {
        part == 0 || part > threadCopies.count ? self : threadCopies[part - 1]
    }

    /// Each part's copy, for `BLAS.gemm`'s `bCopies`; nil without copies.
    var partPointers: [UnsafePointer<Float>]? {
        threadCopies.isEmpty ? nil : [UnsafePointer(data)] + threadCopies.map { UnsafePointer($0.data) }
    }

    /// Changes the number of rows, growing the storage only when needed (contents are then zero).
    public func resize(rows newRows: Int) {
        if newRows > capacityRows {
            data.deallocate()
            capacityRows = newRows
            data = CacheLineStorage.allocate(capacityRows * columns)
            data.initialize(repeating: 0, count: capacityRows * columns)
        }
        rows = newRows
    }

    public subscript(row: Int, column: Int) -> Float {
        get { data[row * columns + column] }
        set { data[row * columns + column] = newValue }
    }

    /// The values as an array (a copy), row after row.
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// Sets every value to `value`.
    public func fill(_ value: Float) { data.update(repeating: value, count: count) }

    /// Copies the values of `other`, which must have the same shape.
    public func copy(from other: Matrix) {
        precondition(other.rows == rows && other.columns == columns, "shape mismatch in copy")
        data.update(from: other.data, count: count)
    }

    /// Stores `source`'s values feature-major: value `(row, column)` at `column · rows + row`,
    /// the layout of `sourceᵀ` (`Dense.inputInFeatureRows`). Same shape as `source`.
    public func setFeatureRows(of source: Matrix) {
        precondition(source.rows == rows && source.columns == columns, "shape mismatch in setFeatureRows")
        for row in 0..<rows {
            for column in 0..<columns { data[column * rows + row] = source.data[row * columns + column] }
        }
    }

    /// The inverse of `setFeatureRows`: `source` is stored feature-major, `self` gets its values
    /// row after row.
    public func setSampleMajor(ofFeatureRows source: Matrix) {
        precondition(source.rows == rows && source.columns == columns, "shape mismatch in setSampleMajor")
        for row in 0..<rows {
            for column in 0..<columns { data[row * columns + column] = source.data[column * rows + row] }
        }
    }

    /// The shape as "rows×columns", for messages.
    public var shapeDescription: String { "\(rows)×\(columns)" }
}

extension Matrix {
    /// `self = a · b` (with optional transposes), resizing `self` to the product's rows;
    /// `cut`, `partials` and `epilogue` as in `BLAS.gemm`, whose part count this returns.
    @discardableResult
    public func setProduct(_ a: Matrix, _ transA: BLAS.Transpose = .none,
                           _ b: Matrix, _ transB: BLAS.Transpose = .none,
                           accumulate: Bool = false, cut: BLAS.Cut = .longerSide, partials: Matrix? = nil,
                           epilogue: ((_ rows: Range<Int>, _ columns: Range<Int>) -> Void)? = nil) -> Int {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        let kb = transB == .none ? b.rows : b.columns
        let n = transB == .none ? b.columns : b.rows
        precondition(k == kb, "inner dimensions differ: \(a.shapeDescription) and \(b.shapeDescription)")
        precondition(n == columns, "product has \(n) columns, destination \(columns)")
        if !accumulate { resize(rows: m) } else { precondition(rows == m) }
        if m == 0 { return 1 }
        if let partials {
            precondition(partials.columns == n, "partial products have \(n) columns, buffer \(partials.columns)")
            partials.resize(rows: (BLAS.threads - 1) * m)
        }
        return BLAS.gemm(transA, transB, m: m, n: n, k: k, a: a.data, lda: a.columns, b: b.data, ldb: b.columns,
                         beta: accumulate ? 1 : 0, c: data, ldc: columns, cut: cut, partials: partials?.data,
                         epilogue: epilogue)
    }
}
