/// A differentiable stage of a network over batches of samples.
///
/// A batch is a `Matrix` with one logical row per sample; where its values lie is its
/// `BatchLayout`. A layer says which layouts it takes its input in and which it can give its
/// output in, fastest first; `Sequential` asks every pair of neighbours and hands each layer
/// its input in a layout it takes, with the layout to give. Every layer takes and gives
/// `.sampleRows`, so any layers can follow each other; the other layouts are fast paths two
/// neighbours agree on (dense layers in feature rows, convolutions in channel rows).
///
/// Every layer owns its output and input-gradient buffers and reuses them step after step.
/// `docs/architecture.md` ("Adding a layer") walks through writing one.
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
    /// The layouts the layer takes its input in (and gives its input gradient in), fastest
    /// first; `.sampleRows` among them.
    var inputLayouts: [BatchLayout] { get }
    /// The layouts the layer can give its output in (and take its output gradient in) when its
    /// input comes in `input`, fastest first; `.sampleRows` among them.
    func outputLayouts(from input: BatchLayout) -> [BatchLayout]
    /// Draws the initial weights from `stream`.
    func initialize(stream: inout RandomStream)
    /// Computes the outputs for a batch, given in `layout` (one of
    /// `outputLayouts(from: input.layout)`); the input must stay unchanged until `backward`.
    func forward(_ input: Matrix, giving layout: BatchLayout, context: ComputeContext) -> Matrix
    /// Given the loss gradient of the outputs, in the layout the outputs were given in (it may
    /// be overwritten), sets the parameter gradients and returns the input gradient, in the
    /// input's layout (or nil when `computeInputGradient` is false).
    func backward(_ outputGradient: Matrix, computeInputGradient: Bool, context: ComputeContext) -> Matrix?
}

extension Layer {
    /// Sample rows only: a layer that states nothing else.
    public var inputLayouts: [BatchLayout] { sampleRowsOnly }
    public func outputLayouts(from input: BatchLayout) -> [BatchLayout] { sampleRowsOnly }

    /// Stops unless `input` comes in a layout the layer takes and `layout` is one it gives
    /// from there: a wrong pairing is a bug in the caller, never a silent misreading.
    public func checkLayouts(input: Matrix, giving layout: BatchLayout) {
        precondition(inputLayouts.contains(input.layout), "\(kind) does not take its input in \(input.layout)")
        precondition(outputLayouts(from: input.layout).contains(layout),
                     "\(kind) does not give its output in \(layout) from \(input.layout)")
    }
}

/// The default layouts, built once (every pass checks against them; a step allocates nothing).
private let sampleRowsOnly: [BatchLayout] = [.sampleRows]
