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

/// A convolution layer, which can exchange its batches with an adjacent convolution layer in
/// channel rows (`BatchPlanes.channels`) — the layout its products work in — rather than in
/// rows of samples. `Sequential` links two adjacent ones when the output image of the first
/// is the input image of the second; the values are the same, only where they lie changes,
/// and each of the two layers saves a pass moving the whole batch from one layout to the
/// other. A layer on its own, or next to any other kind of layer, uses rows of samples.
protocol ChannelRowsExchanging: Layer {
    /// `[channels, height, width]` of one input image.
    var inputShape: [Int] { get }
    /// The input (and the input gradient) is in channel rows.
    var channelRowsIn: Bool { get set }
    /// The output (and the output gradient) is in channel rows.
    var channelRowsOut: Bool { get set }
}
