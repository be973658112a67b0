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
    }

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
    @discardableResult
    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool) -> Matrix? {
        var gradient = outputGradient
        for (position, layer) in layers.enumerated().reversed() {
            let needsInput = position > 0 || computeInputGradient
            guard let next = layer.backward(gradient, computeInputGradient: needsInput) else { return nil }
            gradient = next
        }
        return gradient
    }
}
