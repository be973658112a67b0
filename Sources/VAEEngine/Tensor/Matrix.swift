/// A row-major matrix of `Float` with manually managed, reusable storage.
///
/// Training reuses the same matrices step after step: `resize(rows:)` changes
/// the row count within the allocated capacity, so a training step allocates
/// nothing. A batch matrix has one logical row per sample; where its values lie in storage
/// is its `layout`, which the code that writes it sets and the code that reads it checks.
/// Weights and other matrices that are not batches are plain row-major (`.sampleRows`).
public final class Matrix {
    public private(set) var rows: Int
    public let columns: Int
    /// Where the values of this batch lie (`BatchLayout`); row-major rows by default.
    public var layout: BatchLayout = .sampleRows
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
    public internal(set) var threadCopies: [Matrix] = []

    /// The copy part `part` reads: itself for part 0, or when there are no copies.
    func copy(forPart part: Int) -> Matrix {
        part == 0 || part > threadCopies.count ? self : threadCopies[part - 1]
    }

    /// Each part's copy, for `BLAS.Operand.partCopies`; nil without copies.
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

    /// Takes `source`'s values, stored in `layout`: a sample-rows or feature-rows batch in
    /// either of those layouts (a transpose, or a copy when they agree). Same shape as `source`.
    public func store(_ source: Matrix, as layout: BatchLayout) {
        precondition(source.rows == rows && source.columns == columns, "shape mismatch in store(_:as:)")
        switch (source.layout, layout) {
        case (.sampleRows, .sampleRows), (.featureRows, .featureRows):
            data.update(from: source.data, count: count)
        case (.sampleRows, .featureRows):
            for row in 0..<rows {
                for column in 0..<columns { data[column * rows + row] = source.data[row * columns + column] }
            }
        case (.featureRows, .sampleRows):
            for row in 0..<rows {
                for column in 0..<columns { data[row * columns + column] = source.data[column * rows + row] }
            }
        default:
            preconditionFailure("store(_:as:) converts between sample rows and feature rows, not \(source.layout) and \(layout)")
        }
        self.layout = layout
    }

    /// `self += other`, value by value, for two batches of the same shape in sample rows or
    /// feature rows, in the same layout or not (`self` keeps its own): a skip connection's add.
    public func add(_ other: Matrix) {
        precondition(other.rows == rows && other.columns == columns, "shape mismatch in add")
        switch (layout, other.layout) {
        case (.sampleRows, .sampleRows), (.featureRows, .featureRows):
            RowKernels.add(other.data, into: data, count: count)
        case (.sampleRows, .featureRows):
            for row in 0..<rows {
                for column in 0..<columns { data[row * columns + column] += other.data[column * rows + row] }
            }
        case (.featureRows, .sampleRows):
            for row in 0..<rows {
                for column in 0..<columns { data[column * rows + row] += other.data[row * columns + column] }
            }
        default:
            preconditionFailure("add(_:) adds batches in sample rows or feature rows, not \(other.layout) to \(layout)")
        }
    }

    /// Stops with a message naming `owner` unless the matrix is laid out as `expected`.
    @inline(__always)
    public func expect(_ expected: BatchLayout, in owner: @autoclosure () -> String) {
        precondition(layout == expected, "\(owner()) expects its batch in \(expected), got \(layout)")
    }

    /// The shape as "rows×columns", for messages.
    public var shapeDescription: String { "\(rows)×\(columns)" }
}

extension Matrix {
    /// `self = op(a) · op(b)` (or `self += …` with `accumulate`), resizing `self` to the
    /// product's rows; `cut`, `partials` and `epilogue` as in `BLAS.gemm`, whose part count
    /// this returns. The operands are read as plain row-major matrices whatever their layout.
    @discardableResult
    public func setProduct(_ a: Matrix, _ transA: BLAS.Transpose = .none,
                           _ b: Matrix, _ transB: BLAS.Transpose = .none,
                           accumulate: Bool = false, cut: BLAS.Cut = .longerSide, partials: Matrix? = nil,
                           context: ComputeContext,
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
            partials.resize(rows: (context.threads - 1) * m)
        }
        return BLAS.gemm(.init(m: m, n: n, k: k), .init(a.data, rowStride: a.columns, transA),
                         .init(b.data, rowStride: b.columns, transB),
                         into: .init(data, rowStride: columns, accumulate: accumulate, partials: partials?.data),
                         cut: cut, context: context, epilogue: epilogue)
    }
}
