import Foundation

/// The matrix products a run made, each with its shape and cut, and the seconds spent in
/// them: what `vae-bench` replays alone to time an epoch's BLAS floor.
///
/// A reference type shared through `ComputeContext.productLog`; used from the thread that
/// runs the model (products are started from one thread at a time).
public final class ProductLog: @unchecked Sendable {
    public private(set) var shapes: [BLAS.GemmShape] = []
    /// Wall-clock seconds inside the logged products, epilogues included.
    public private(set) var seconds: Double = 0
    /// Products are logged only while this is true (a benchmark logs its first epoch alone).
    public var isRecording = true

    public init() {}

    func record(_ shape: BLAS.GemmShape, seconds elapsed: Double) {
        shapes.append(shape)
        seconds += elapsed
    }

    /// Forgets everything logged so far.
    public func clear() {
        shapes = []
        seconds = 0
    }
}
