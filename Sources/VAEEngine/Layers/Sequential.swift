import Foundation

/// Layers applied one after another; the building block of encoders and decoders.
///
/// At construction it plans the layout of every batch between two layers: from the input
/// layout, each layer's output goes in the first layout it can give (`Layer.outputLayouts`)
/// that the next layer takes (`Layer.inputLayouts`) — the last layer's, in the first the
/// network's caller takes. Layers never learn who their neighbours are; they are handed a
/// batch in a layout they take and told the layout to give.
public final class Sequential {
    public let layers: [Layer]
    /// What profiles and messages call the network (`encoder`, `decoder`).
    public let name: String
    /// The layout the network takes its input in.
    public let inputLayout: BatchLayout
    /// The layout each layer gives its output in; the last is the network's output layout.
    public let layouts: [BatchLayout]

    /// - Parameters:
    ///   - inputs: the layouts the caller can give the input in, best first (nil: any the
    ///     first layer takes); the first of the first layer's layouts among them is used.
    ///   - outputs: the layouts the caller takes the output in (nil: any the last layer gives).
    public init(_ layers: [Layer], name: String = "network", inputs: [BatchLayout]? = nil, outputs: [BatchLayout]? = nil) {
        precondition(!layers.isEmpty, "a network needs at least one layer")
        for (previous, next) in zip(layers, layers.dropFirst()) {
            precondition(previous.outputSize == next.inputSize,
                         "\(previous.kind) gives \(previous.outputSize) features, \(next.kind) expects \(next.inputSize)")
        }
        self.layers = layers
        self.name = name
        parameterCounts = layers.map { $0.parameters.count }
        let first = layers[0].inputLayouts
        inputLayout = first.first { inputs?.contains($0) ?? true } ?? .sampleRows
        var layouts: [BatchLayout] = []
        var current = inputLayout
        for (position, layer) in layers.enumerated() {
            let gives = layer.outputLayouts(from: current)
            let takes = position + 1 < layers.count ? layers[position + 1].inputLayouts : outputs ?? gives
            // Sample rows are the layout every layer takes and gives, so there is always one.
            current = gives.first { takes.contains($0) } ?? .sampleRows
            precondition(gives.contains(current), "\(layer.kind) gives no layout its neighbour takes, not even sample rows")
            layouts.append(current)
        }
        self.layouts = layouts
    }

    /// Parameter tensors per layer, counted once: `parameters` builds a new array per call.
    private let parameterCounts: [Int]

    public var inputSize: Int { layers[0].inputSize }
    public var outputSize: Int { layers[layers.count - 1].outputSize }
    public var outputLayout: BatchLayout { layouts[layouts.count - 1] }
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func forward(_ input: Matrix, context: ComputeContext) -> Matrix {
        input.expect(inputLayout, in: "the \(name)")
        var current = input
        for (position, layer) in layers.enumerated() {
            let layout = layouts[position]
            if let profile = context.layerProfile {
                current = profiled(profile, context, position, backward: false) {
                    layer.forward(current, giving: layout, context: context)
                }
            } else {
                current = layer.forward(current, giving: layout, context: context)
            }
        }
        return current
    }

    /// Back-propagates through every layer; returns the input gradient only when asked,
    /// which saves the largest product of an encoder's first layer.
    ///
    /// `layerFinished`, when given, is called right after each layer with parameters is done
    /// — its weights are no longer needed by this pass — with the range of its parameters in
    /// `parameters`, so an optimizer can update them while their gradients are in cache.
    @discardableResult
    public func backward(_ outputGradient: Matrix, computeInputGradient: Bool, context: ComputeContext,
                         layerFinished: ((Range<Int>) -> Void)? = nil) -> Matrix? {
        outputGradient.expect(outputLayout, in: "the \(name)'s backward pass")
        var gradient = outputGradient
        var parameterEnd = parameterCount
        for (position, layer) in layers.enumerated().reversed() {
            let needsInput = position > 0 || computeInputGradient
            let next: Matrix?
            if let profile = context.layerProfile {
                next = profiled(profile, context, position, backward: true) { [gradient] in
                    layer.backward(gradient, computeInputGradient: needsInput, context: context)
                }
            } else {
                next = layer.backward(gradient, computeInputGradient: needsInput, context: context)
            }
            let parameterStart = parameterEnd - parameterCounts[position]
            if parameterStart < parameterEnd { layerFinished?(parameterStart..<parameterEnd) }
            parameterEnd = parameterStart
            guard let next else { return nil }
            gradient = next
        }
        return gradient
    }

    /// Runs one layer's pass, adding its time and products to `profile`.
    private func profiled<Result>(_ profile: LayerProfile, _ context: ComputeContext, _ position: Int, backward: Bool,
                                  _ pass: () -> Result) -> Result {
        let (firstProduct, productSeconds) = (context.productLog?.shapes.count ?? 0, context.productLog?.seconds ?? 0)
        let started = DispatchTime.now().uptimeNanoseconds
        let result = pass()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let shapes = context.productLog.map { $0.shapes[firstProduct...] } ?? []
        profile.add(network: name, position: position, kind: layers[position].kind, backward: backward,
                    seconds: seconds, shapes: shapes, productSeconds: (context.productLog?.seconds ?? 0) - productSeconds)
        return result
    }

    /// How many parameter tensors the layers have together.
    public var parameterCount: Int { parameterCounts.reduce(0, +) }
}
