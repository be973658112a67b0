/// Layers applied one after another; the building block of encoders and decoders.
public final class Sequential {
    public let layers: [Layer]

    public init(_ layers: [Layer]) {
        precondition(!layers.isEmpty, "a network needs at least one layer")
        for (previous, next) in zip(layers, layers.dropFirst()) {
            precondition(previous.outputSize == next.inputSize,
                         "\(previous.kind) gives \(previous.outputSize) features, \(next.kind) expects \(next.inputSize)")
        }
        self.layers = layers
        parameterCounts = layers.map { $0.parameters.count }
        for (previous, next) in zip(layers, layers.dropFirst()) {
            guard let previous = previous as? ChannelRowsExchanging, let next = next as? ChannelRowsExchanging,
                  previous.outputShape == next.inputShape else { continue }
            previous.channelRowsOut = true
            next.channelRowsIn = true
        }
        // Two dense layers pass their activations feature-major (`Dense.outputInFeatureRows`).
        for case let (previous as Dense, next as Dense) in zip(layers, layers.dropFirst()) {
            previous.outputInFeatureRows = true
            next.inputInFeatureRows = true
        }
    }

    /// Parameter tensors per layer, counted once: `parameters` builds a new array per call.
    private let parameterCounts: [Int]

    public var inputSize: Int { layers[0].inputSize }
    public var outputSize: Int { layers[layers.count - 1].outputSize }
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func forward(_ input: Matrix) -> Matrix {
        var current = input
        for layer in layers { current = layer.forward(current) }
        return current
    }

    /// Back-propagates through every layer; returns the input gradient only when asked,
    /// which saves the largest product of an encoder's first layer.
    ///
    /// `layerFinished`, when given, is called right after each layer with parameters is done
    /// — its weights are no longer needed by this pass — with the range of its parameters in
    /// `parameters`, so an optimizer can update them while their gradients are in cache.
    @discardableResult
    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool,
                         layerFinished: ((Range<Int>) -> Void)? = nil) -> Matrix? {
        var gradient = outputGradient
        var parameterEnd = parameterCount
        for (position, layer) in layers.enumerated().reversed() {
            let needsInput = position > 0 || computeInputGradient
            let next = layer.backward(gradient, computeInputGradient: needsInput)
            let parameterStart = parameterEnd - parameterCounts[position]
            if parameterStart < parameterEnd { layerFinished?(parameterStart..<parameterEnd) }
            parameterEnd = parameterStart
            guard let next else { return nil }
            gradient = next
        }
        return gradient
    }

    /// How many parameter tensors the layers have together.
    public var parameterCount: Int { parameterCounts.reduce(0, +) }
}
