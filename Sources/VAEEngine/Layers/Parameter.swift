/// A trainable array of weights with its gradient, updated in place by an optimizer.
public final class Parameter {
    /// A stable name for checkpoints and messages (`encoder.0.weight`).
    public let name: String
    /// The logical shape (e.g. `[784, 400]` for a dense weight), for messages and checkpoints.
    public let shape: [Int]
    public let value: Matrix
    public let gradient: Matrix

    public init(name: String, shape: [Int], rows: Int, columns: Int) {
        self.name = name
        self.shape = shape
        value = Matrix(rows: rows, columns: columns)
        gradient = Matrix(rows: rows, columns: columns)
    }

    public var count: Int { value.count }
}
