/// A differentiable stage of a network over batches stored as `batch × features` matrices.
///
/// Convolutional layers read their features as channel-major images; every layer
/// owns its output and input-gradient buffers and reuses them step after step.
public protocol Layer: AnyObject {
    /// Short description for summaries (`Dense(784 → 400, relu)`).
    var kind: String { get }
    /// Features per sample that the layer expects.
    var inputSize: Int { get }
    /// Features per sample that the layer produces.
    var outputSize: Int { get }
    /// The logical output shape per sample (e.g. `[400]` or `[32, 14, 14]`).
    var outputShape: [Int] { get }
    /// Trainable parameters; empty for parameter-free layers.
    var parameters: [Parameter] { get }
    /// Draws the initial weights from `stream`.
    func initialize(stream: inout RandomStream)
    /// Computes the outputs for a batch; the input must stay unchanged until `backward`.
    func forward(_ input: Matrix) -> Matrix
    /// Given the loss gradient of the outputs (it may be overwritten), sets the parameter
    /// gradients and returns the input gradient (or nil when `computeInputGradient` is false).
    func backward(_ outputGradient: Matrix, computeInputGradient: Bool) -> Matrix?
}
