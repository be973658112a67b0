/// A change of logical shape that leaves every value in place (Keras' `Reshape` and `Flatten`).
///
/// Rows are already flat, channel-major images, so the layer passes its input through and
/// its gradient back untouched; it exists so summaries show the shapes a tutorial shows.
public final class Reshape: Layer {
    public let inputShape: [Int]
    public let outputShape: [Int]

    /// - Parameters:
    ///   - inputShape: the logical shape of one sample coming in (`[1568]`, `[64, 6, 6]`).
    ///   - outputShape: the shape it is read as afterwards, with the same number of values.
    public init(inputShape: [Int], outputShape: [Int]) {
        precondition(!inputShape.isEmpty && !outputShape.isEmpty && (inputShape + outputShape).allSatisfy { $0 > 0 },
                     "Reshape needs positive dimensions")
        precondition(inputShape.reduce(1, *) == outputShape.reduce(1, *),
                     "cannot reshape \(inputShape) to \(outputShape): the sizes differ")
        self.inputShape = inputShape
        self.outputShape = outputShape
    }

    /// A reshape to one dimension: Keras' `Flatten`.
    public static func flatten(_ inputShape: [Int]) -> Reshape {
        Reshape(inputShape: inputShape, outputShape: [inputShape.reduce(1, *)])
    }

    public var kind: String { outputShape.count == 1 ? "Flatten" : "Reshape" }
    public var inputSize: Int { inputShape.reduce(1, *) }
    public var outputSize: Int { inputSize }
    public var parameters: [Parameter] { [] }

    public func initialize(stream: inout RandomStream) {}

    /// Sample rows only (the default): a batch in sample rows has the same values in the same
    /// places under either shape, which is not so for the other layouts.
    public func forward(_ input: Matrix, giving layout: BatchLayout, context: ComputeContext) -> Matrix {
        precondition(input.columns == inputSize, "\(kind) expects \(inputSize) features, got \(input.columns)")
        checkLayouts(input: input, giving: layout)
        return input
    }

    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool, context: ComputeContext) -> Matrix? {
        computeInputGradient ? outputGradient : nil
    }
}
