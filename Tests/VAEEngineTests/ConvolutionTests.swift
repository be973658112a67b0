import Testing
import TestSupport
import VAEEngine

/// Convolution layers: direct-loop references, finite-difference gradients, adjointness,
/// and the shapes of the TensorFlow convolutional VAE.
@Suite struct ConvolutionTests {
    /// Two threads on any machine: the passes over images are cut in two.
    static let context = ComputeContext(threads: 2)

    // MARK: - Fixtures

    /// A `rows × columns` matrix of uniform values in −1...1 from its own stream.
    static func randomMatrix(rows: Int, columns: Int, seed: UInt64, purpose: String) -> Matrix {
        var stream = RandomStream(seed: seed, purpose: purpose)
        let matrix = Matrix(rows: rows, columns: columns)
        for i in 0..<matrix.count { matrix.data[i] = stream.nextUniform() * 2 - 1 }
        return matrix
    }

    /// Initializes `layer` and gives it non-zero biases, so activations see both sides of zero.
    static func prepare(_ layer: Layer, seed: UInt64 = 3) {
        var stream = RandomStream(seed: seed, purpose: "init")
        layer.initialize(stream: &stream)
        var biasStream = RandomStream(seed: seed, purpose: "bias")
        for parameter in layer.parameters where parameter.name.hasSuffix("bias") {
            for i in 0..<parameter.count { parameter.value.data[i] = 0.3 * biasStream.nextGaussian() }
        }
    }

    /// TensorFlow's padding rule, written out again independently of `Padding`.
    static func tensorFlowPadding(input: Int, kernel: Int, stride: Int, padding: Padding) -> (output: Int, before: Int) {
        switch padding {
        case .valid: return ((input - kernel) / stride + 1, 0)
        case .same:
            let output = (input + stride - 1) / stride
            return (output, max((output - 1) * stride + kernel - input, 0) / 2)
        }
    }

    static func activate(_ x: Double, _ activation: Activation) -> Double {
        var value = Float(x)
        activation.apply(&value, count: 1)
        return Double(value)
    }

    /// `y[b, f, oy, ox] = act(bias[f] + Σ W[f, c, ky, kx] · x[b, c, oy·s + ky − top, ox·s + kx − left])`.
    static func directConvolution(_ layer: Conv2D, _ input: Matrix) -> [Double] {
        let (c, h, w, k, s) = (layer.inputChannels, layer.inputHeight, layer.inputWidth, layer.kernel, layer.stride)
        let (oh, top) = tensorFlowPadding(input: h, kernel: k, stride: s, padding: layer.padding)
        let (ow, left) = tensorFlowPadding(input: w, kernel: k, stride: s, padding: layer.padding)
        var result: [Double] = []
        for b in 0..<input.rows {
            for f in 0..<layer.filters {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum = Double(layer.bias.value.data[f])
                        for ch in 0..<c {
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let iy = oy * s + ky - top, ix = ox * s + kx - left
                                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                    let weight = layer.weight.value.data[((f * c + ch) * k + ky) * k + kx]
                                    sum += Double(weight) * Double(input[b, (ch * h + iy) * w + ix])
                                }
                            }
                        }
                        result.append(activate(sum, layer.activation))
                    }
                }
            }
        }
        return result
    }

    /// Every input pixel scattered through the kernel: `y[b, f, oy·s + ky − top, ox·s + kx − left] += W[c, f, ky, kx] · x[b, c, oy, ox]`,
    /// cropped to Keras' output size, with TensorFlow's padding of the matching convolution.
    static func directTransposedConvolution(_ layer: ConvTranspose2D, _ input: Matrix) -> [Double] {
        let (c, h, w, k, s, f) = (layer.inputChannels, layer.inputHeight, layer.inputWidth, layer.kernel,
                                  layer.stride, layer.filters)
        let outH = layer.padding == .same ? h * s : h * s + max(k - s, 0)
        let outW = layer.padding == .same ? w * s : w * s + max(k - s, 0)
        let top = tensorFlowPadding(input: outH, kernel: k, stride: s, padding: layer.padding).before
        let left = tensorFlowPadding(input: outW, kernel: k, stride: s, padding: layer.padding).before
        var result: [Double] = []
        for b in 0..<input.rows {
            var image = [Double](repeating: 0, count: f * outH * outW)
            for filter in 0..<f {
                for p in 0..<(outH * outW) { image[filter * outH * outW + p] = Double(layer.bias.value.data[filter]) }
            }
            for ch in 0..<c {
                for iy in 0..<h {
                    for ix in 0..<w {
                        let x = Double(input[b, (ch * h + iy) * w + ix])
                        for filter in 0..<f {
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let oy = iy * s + ky - top, ox = ix * s + kx - left
                                    guard oy >= 0, oy < outH, ox >= 0, ox < outW else { continue }
                                    let weight = layer.weight.value.data[((ch * f + filter) * k + ky) * k + kx]
                                    image[(filter * outH + oy) * outW + ox] += Double(weight) * x
                                }
                            }
                        }
                    }
                }
            }
            result += image.map { activate($0, layer.activation) }
        }
        return result
    }

    // MARK: - Gradient checking

    /// The worst disagreement between a layer's analytic gradients (parameters and input) and
    /// central differences of the scalar loss `Σ cᵢ · yᵢ` with fixed random `cᵢ`, or nil.
    ///
    /// Where the loss is not differentiable within the step (a ReLU switching) or its curvature
    /// jumps (ELU at zero), a central difference means little, as in `GradientCheckTests`; such "kinks"
    /// must stay a small fraction of the values checked. For piecewise-linear activations the loss
    /// is piecewise linear in every single value: a kink shows as left and right differences that
    /// disagree, and the analytic gradient must then match one of them (the side the value sits
    /// on); without one, the central difference is exact up to rounding. For smooth activations,
    /// central differences at two step sizes are compared and kinks are skipped.
    static func worstMismatch(_ layer: Layer, input: Matrix, activation: Activation) -> String? {
        let coefficients = randomMatrix(rows: input.rows, columns: layer.outputSize, seed: 11, purpose: "loss")
        func loss() -> Double {
            let output = layer.forward(input, giving: .sampleRows, context: Self.context)
            var total = 0.0
            for i in 0..<output.count { total += Double(coefficients.data[i]) * Double(output.data[i]) }
            return total
        }
        let center = loss()
        let outputGradient = Matrix(rows: input.rows, columns: layer.outputSize, values: coefficients.values)
        let inputGradient = layer.backward(outputGradient, computeInputGradient: true, context: Self.context)!.values
        var targets: [(name: String, values: UnsafeMutablePointer<Float>, analytic: [Float])] =
            layer.parameters.map { ($0.name, $0.value.data, $0.gradient.values) }
        targets.append(("input", input.data, inputGradient))

        /// The one-sided differences to the left and the right of value `i`.
        func differences(_ values: UnsafeMutablePointer<Float>, _ i: Int, _ h: Float) -> (left: Double, right: Double) {
            let original = values[i]
            values[i] = original + h
            let plus = loss()
            values[i] = original - h
            let minus = loss()
            values[i] = original
            return ((center - minus) / Double(h), (plus - center) / Double(h))
        }
        let piecewiseLinear = [.identity, .relu, .leakyRelu].contains(activation)
        var worst: (description: String, error: Double)?
        var kinks = 0, checked = 0
        for target in targets {
            for i in 0..<target.analytic.count {
                checked += 1
                let exact = Double(target.analytic[i])
                var numeric: Double
                if piecewiseLinear {
                    // Across one kink the function is linear on each side, and the analytic
                    // gradient is the slope of the side the value sits on: it must match one.
                    let (left, right) = differences(target.values, i, 2e-3)
                    numeric = (left + right) / 2
                    if abs(left - right) > 1e-3 * max(1, abs(numeric)) {
                        kinks += 1
                        numeric = abs(left - exact) < abs(right - exact) ? left : right
                    }
                } else {
                    let coarse = differences(target.values, i, 1e-2)
                    let fine = differences(target.values, i, 5e-3)
                    numeric = (fine.left + fine.right) / 2
                    let coarseCentral = (coarse.left + coarse.right) / 2
                    if abs(coarseCentral - numeric) > 1e-3 * max(1, abs(numeric)) { kinks += 1; continue }
                }
                let error = abs(numeric - exact) / max(1, abs(exact))
                if error > (worst?.error ?? 0) {
                    worst = ("\(target.name)[\(i)]: analytic \(exact), numeric \(numeric)", error)
                }
            }
        }
        // Kinks of smooth activations are skipped, so few may be; ReLU's are still checked.
        let allowance = switch activation {
        case .identity, .tanh, .sigmoid, .softplus: 0.0
        case .relu, .leakyRelu: 0.3
        case .elu: 0.15
        }
        if Double(kinks) > allowance * Double(checked) { return "\(kinks) of \(checked) values sit on a kink" }
        guard let worst, worst.error > 2e-3 else { return nil }
        return worst.description
    }

    /// Activations checked: none, smooth ones, ELU (a curvature jump) and ReLU (a kink).
    static let activations: [Activation] = [.identity, .tanh, .elu, .relu]

    struct Case: CustomTestStringConvertible, Sendable {
        var size: Int
        var stride: Int
        var padding: Padding
        var testDescription: String { "\(size)×\(size), stride \(stride), \(padding.rawValue)" }
    }

    /// 5×5 and 6×6 images: with stride 2 and `.same`, 6×6 pads only the bottom and right.
    static let convolutionCases: [Case] = [5, 6].flatMap { size in
        [1, 2].flatMap { stride in Padding.allCases.map { Case(size: size, stride: stride, padding: $0) } }
    }

    @Test("Conv2D gradients match finite differences", arguments: convolutionCases, activations)
    func convolutionGradients(geometry: Case, activation: Activation) {
        let layer = Conv2D(inputShape: [2, geometry.size, geometry.size], filters: 3, kernel: 3,
                           stride: geometry.stride, padding: geometry.padding, activation: activation)
        Self.prepare(layer)
        let input = Self.randomMatrix(rows: 2, columns: layer.inputSize, seed: 5, purpose: "input")
        let mismatch = Self.worstMismatch(layer, input: input, activation: activation)
        #expect(mismatch == nil, "\(geometry.testDescription), \(activation): \(mismatch ?? "")")
    }

    /// 3×3 and 4×4 inputs, growing to 3…9 pixels a side.
    static let transposedCases: [Case] = [3, 4].flatMap { size in
        [1, 2].flatMap { stride in Padding.allCases.map { Case(size: size, stride: stride, padding: $0) } }
    }

    @Test("ConvTranspose2D gradients match finite differences", arguments: transposedCases, activations)
    func transposedGradients(geometry: Case, activation: Activation) {
        let layer = ConvTranspose2D(inputShape: [2, geometry.size, geometry.size], filters: 3, kernel: 3,
                                    stride: geometry.stride, padding: geometry.padding, activation: activation)
        Self.prepare(layer)
        let input = Self.randomMatrix(rows: 2, columns: layer.inputSize, seed: 5, purpose: "input")
        let mismatch = Self.worstMismatch(layer, input: input, activation: activation)
        #expect(mismatch == nil, "\(geometry.testDescription), \(activation): \(mismatch ?? "")")
    }

    // MARK: - Forward against direct loops

    static let forwardCases: [Case] = [5, 6, 7].flatMap { size in
        [1, 2, 3].flatMap { stride in Padding.allCases.map { Case(size: size, stride: stride, padding: $0) } }
    }

    /// Runs `layer` (prepared) forward on a random batch and compares it with `reference`.
    static func expectForwardMatches(_ layer: Layer, rows: Int, seed: UInt64,
                                     reference: (Matrix) -> [Double],
                                     sourceLocation: SourceLocation = #_sourceLocation) {
        prepare(layer)
        let input = randomMatrix(rows: rows, columns: layer.inputSize, seed: seed, purpose: "input")
        let expected = reference(input)
        let output = layer.forward(input, giving: .sampleRows, context: Self.context)
        #expect(output.columns == layer.outputShape.reduce(1, *), sourceLocation: sourceLocation)
        #expect(output.count == expected.count, sourceLocation: sourceLocation)
        #expect(allClose(output.values, expected.map(Float.init), rtol: 1e-5, atol: 1e-5),
                sourceLocation: sourceLocation)
    }

    @Test("Conv2D forward equals a direct convolution loop", arguments: forwardCases)
    func convolutionForward(geometry: Case) {
        let layer = Conv2D(inputShape: [3, geometry.size, geometry.size + 1], filters: 4, kernel: 3,
                           stride: geometry.stride, padding: geometry.padding, activation: .relu)
        Self.expectForwardMatches(layer, rows: 3, seed: 9) { Self.directConvolution(layer, $0) }
    }

    @Test("ConvTranspose2D forward equals a direct scatter loop", arguments: forwardCases)
    func transposedForward(geometry: Case) {
        let size = geometry.size - 3  // 2…4 pixels in
        let layer = ConvTranspose2D(inputShape: [3, size, size + 1], filters: 4, kernel: 3,
                                    stride: geometry.stride, padding: geometry.padding, activation: .tanh)
        Self.expectForwardMatches(layer, rows: 3, seed: 9) { Self.directTransposedConvolution(layer, $0) }
    }

    /// Stride-2 patch rows of eight values and more are read eight at a time, the last block
    /// overlapping the one before: 9, 10 and 13 values wide, with and without padding.
    @Test("wide stride-2 Conv2D rows equal a direct convolution loop",
          arguments: [([2, 5, 20], 3, Padding.same), ([2, 4, 20], 3, .valid), ([3, 4, 27], 3, .valid)])
    func wideConvolutionRows(inputShape: [Int], kernel: Int, padding: Padding) {
        let layer = Conv2D(inputShape: inputShape, filters: 3, kernel: kernel, stride: 2, padding: padding,
                           activation: .relu)
        #expect(layer.outputWidth >= 8)
        Self.expectForwardMatches(layer, rows: 5, seed: 13) { Self.directConvolution(layer, $0) }
    }

    /// Stride-2 rows of 16 pixels and more are summed eight even and eight odd columns at a
    /// time, the last block overlapping the one before: 18, 26 and 28 pixels wide, with the
    /// tutorial's kernel and padding, a 4-pixel kernel, and the tutorial's own 14 → 28 layer.
    @Test("wide stride-2 ConvTranspose2D rows equal a direct scatter loop",
          arguments: [([2, 4, 9], 3, Padding.same), ([2, 3, 12], 4, .valid), ([3, 3, 14], 3, .same)])
    func wideTransposedRows(inputShape: [Int], kernel: Int, padding: Padding) {
        let layer = ConvTranspose2D(inputShape: inputShape, filters: 3, kernel: kernel, stride: 2,
                                    padding: padding, activation: .relu)
        #expect(layer.outputWidth >= 16 && layer.outputWidth % 2 == 0)
        Self.expectForwardMatches(layer, rows: 5, seed: 11) { Self.directTransposedConvolution(layer, $0) }
    }

    @Test("TensorFlow padding: ceil(in / stride) outputs, the odd pixel at the bottom/right")
    func tensorFlowPaddingRule() {
        #expect(Padding.same.convolutionOutput(input: 28, kernel: 3, stride: 2) == 14)
        #expect(Padding.same.convolutionPadding(input: 28, kernel: 3, stride: 2) == (0, 1))
        #expect(Padding.same.convolutionPadding(input: 7, kernel: 3, stride: 2) == (1, 1))
        #expect(Padding.same.convolutionPadding(input: 5, kernel: 3, stride: 1) == (1, 1))
        #expect(Padding.same.convolutionPadding(input: 8, kernel: 4, stride: 1) == (1, 2))
        #expect(Padding.same.convolutionPadding(input: 6, kernel: 1, stride: 3) == (0, 0))
        #expect(Padding.valid.convolutionOutput(input: 28, kernel: 3, stride: 2) == 13)
        #expect(Padding.valid.convolutionOutput(input: 13, kernel: 3, stride: 2) == 6)
        #expect(Padding.same.transposedOutput(input: 7, kernel: 3, stride: 2) == 14)
        #expect(Padding.valid.transposedOutput(input: 7, kernel: 3, stride: 2) == 15)
        #expect(Padding.valid.transposedOutput(input: 7, kernel: 2, stride: 3) == 21)
    }

    // MARK: - Adjointness

    struct AdjointCase: CustomTestStringConvertible, Sendable {
        var height: Int
        var width: Int
        var kernel: Int
        var stride: Int
        var padding: Padding
        var testDescription: String { "\(height)×\(width), k\(kernel), stride \(stride), \(padding.rawValue)" }
    }

    /// Sizes for which the transposed convolution gives back exactly the convolution's input size.
    static let adjointCases: [AdjointCase] = [
        AdjointCase(height: 5, width: 6, kernel: 3, stride: 1, padding: .valid),
        AdjointCase(height: 5, width: 6, kernel: 3, stride: 1, padding: .same),
        AdjointCase(height: 7, width: 9, kernel: 3, stride: 2, padding: .valid),
        AdjointCase(height: 6, width: 8, kernel: 3, stride: 2, padding: .same),
        AdjointCase(height: 9, width: 6, kernel: 2, stride: 3, padding: .same),
        AdjointCase(height: 28, width: 28, kernel: 3, stride: 2, padding: .same),
    ]

    @Test("ConvTranspose2D is the adjoint of Conv2D: ⟨Conv(x), y⟩ = ⟨x, ConvT(y)⟩", arguments: adjointCases)
    func adjoint(geometry: AdjointCase) {
        let (channels, filters) = (3, 4)
        let conv = Conv2D(inputShape: [channels, geometry.height, geometry.width], filters: filters,
                          kernel: geometry.kernel, stride: geometry.stride, padding: geometry.padding)
        Self.prepare(conv)
        conv.bias.value.fill(0)
        let transposed = ConvTranspose2D(inputShape: conv.outputShape, filters: channels, kernel: geometry.kernel,
                                         stride: geometry.stride, padding: geometry.padding)
        #expect(transposed.outputShape == [channels, geometry.height, geometry.width])
        #expect(transposed.weight.value.rows == conv.weight.value.rows)
        #expect(transposed.weight.value.columns == conv.weight.value.columns)
        transposed.weight.value.copy(from: conv.weight.value)
        transposed.bias.value.fill(0)

        let x = Self.randomMatrix(rows: 2, columns: conv.inputSize, seed: 1, purpose: "x")
        let y = Self.randomMatrix(rows: 2, columns: conv.outputSize, seed: 2, purpose: "y")
        let convX = conv.forward(x, giving: .sampleRows, context: Self.context).values, transposedY = transposed.forward(y, giving: .sampleRows, context: Self.context).values
        let left = zip(convX, y.values).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(x.values, transposedY).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(isClose(left, right, rtol: 1e-5, atol: 1e-5), "⟨Conv x, y⟩ = \(left), ⟨x, ConvT y⟩ = \(right)")
    }

    // MARK: - Buffers

    @Test("results do not depend on the batch sizes seen before")
    func buffersReusedAcrossBatchSizes() {
        func layers() -> (Conv2D, ConvTranspose2D) {
            let conv = Conv2D(inputShape: [2, 6, 6], filters: 3, kernel: 3, stride: 2, padding: .same, activation: .elu)
            let transposed = ConvTranspose2D(inputShape: [3, 3, 3], filters: 2, kernel: 3, stride: 2, padding: .same,
                                             activation: .elu)
            Self.prepare(conv)
            Self.prepare(transposed)
            return (conv, transposed)
        }
        func step(_ conv: Conv2D, _ transposed: ConvTranspose2D, _ images: Matrix) -> [[Float]] {
            let reconstruction = transposed.forward(conv.forward(images, giving: .sampleRows, context: Self.context),
                                                      giving: .sampleRows, context: Self.context)
            let gradient = Matrix(rows: images.rows, columns: reconstruction.columns, values: reconstruction.values)
            let inputGradient = conv.backward(transposed.backward(gradient, computeInputGradient: true, context: Self.context)!,
                                              computeInputGradient: true, context: Self.context)!
            return [reconstruction.values, inputGradient.values]
                + (conv.parameters + transposed.parameters).map(\.gradient.values)
        }
        let small = Self.randomMatrix(rows: 2, columns: 72, seed: 4, purpose: "small")
        let large = Self.randomMatrix(rows: 5, columns: 72, seed: 4, purpose: "large")
        let (freshConv, freshTransposed) = layers()
        let expected = step(freshConv, freshTransposed, small)
        let (conv, transposed) = layers()
        _ = step(conv, transposed, large)
        #expect(step(conv, transposed, small) == expected)
        #expect(step(conv, transposed, large) == step(freshConv, freshTransposed, large))
    }

    /// A batch large enough to be split across threads gives what its images give one by one:
    /// outputs and input gradients per image, parameter gradients summed over images.
    @Test("a batch equals its images taken one at a time", arguments: [1, 2])
    func batchEqualsSamples(stride: Int) {
        let conv = Conv2D(inputShape: [2, 7, 6], filters: 3, kernel: 3, stride: stride, padding: .same,
                          activation: .relu)
        let transposed = ConvTranspose2D(inputShape: [2, 4, 3], filters: 3, kernel: 3, stride: stride,
                                         padding: .valid, activation: .elu)
        // Large enough images that a batch of 19 is cut into chunks.
        let chunked = ConvTranspose2D(inputShape: [4, 32, 30], filters: 8, kernel: 3, stride: stride,
                                      padding: .same, activation: .relu)
        #expect(chunked.chunkSize < 19)
        for layer in [conv, transposed, chunked] as [Layer] {
            Self.prepare(layer)
            let batch = 19
            let input = Self.randomMatrix(rows: batch, columns: layer.inputSize, seed: 8, purpose: "batch")
            let gradient = Self.randomMatrix(rows: batch, columns: layer.outputSize, seed: 9, purpose: "dy")
            let output = layer.forward(input, giving: .sampleRows, context: Self.context).values
            let inputGradient = layer.backward(Matrix(rows: batch, columns: layer.outputSize, values: gradient.values),
                                               computeInputGradient: true, context: Self.context)!.values
            let parameterGradients = layer.parameters.map(\.gradient.values)

            var outputs: [Float] = [], inputGradients: [Float] = []
            var summed = layer.parameters.map { [Double](repeating: 0, count: $0.count) }
            for b in 0..<batch {
                let one = Matrix(rows: 1, columns: layer.inputSize,
                                 values: Array(input.values[b * layer.inputSize..<(b + 1) * layer.inputSize]))
                outputs += layer.forward(one, giving: .sampleRows, context: Self.context).values
                let dy = Array(gradient.values[b * layer.outputSize..<(b + 1) * layer.outputSize])
                inputGradients += layer.backward(Matrix(rows: 1, columns: layer.outputSize, values: dy),
                                                 computeInputGradient: true, context: Self.context)!.values
                for (p, parameter) in layer.parameters.enumerated() {
                    for i in 0..<parameter.count { summed[p][i] += Double(parameter.gradient.data[i]) }
                }
            }
            #expect(allClose(output, outputs, rtol: 1e-5, atol: 1e-6), "\(layer.kind) outputs")
            #expect(allClose(inputGradient, inputGradients, rtol: 1e-5, atol: 1e-6), "\(layer.kind) input gradient")
            for (p, parameter) in layer.parameters.enumerated() {
                #expect(allClose(parameterGradients[p], summed[p].map(Float.init), rtol: 1e-4, atol: 1e-5),
                        "\(parameter.name)")
            }
        }
    }

    /// Stacks of layers for `channelRowsBetweenLayers`, with which of them take their input
    /// and give their output in channel rows once linked (nil: not a convolution layer).
    static let linkedStacks: [(name: String, build: @Sendable () -> [Layer], channelRows: [(in: Bool, out: Bool)?])] = [
        ("convolutions and transposed ones, a reshape between", {
            [Conv2D(inputShape: [2, 9, 8], filters: 3, kernel: 3, stride: 2, padding: .same, activation: .relu),
             Conv2D(inputShape: [3, 5, 4], filters: 4, kernel: 3, stride: 1, padding: .same, activation: .elu),
             ConvTranspose2D(inputShape: [4, 5, 4], filters: 3, kernel: 3, stride: 2, padding: .same, activation: .relu),
             Reshape(inputShape: [3, 10, 8], outputShape: [4, 6, 10]),
             ConvTranspose2D(inputShape: [4, 6, 10], filters: 5, kernel: 3, stride: 3, padding: .valid, activation: .tanh),
             ConvTranspose2D(inputShape: [5, 18, 30], filters: 2, kernel: 3, stride: 1, padding: .same)]
        }, [(false, true), (true, true), (true, false), nil, (false, true), (true, false)]),
        ("two transposed convolutions cut into chunks", {
            [ConvTranspose2D(inputShape: [4, 20, 20], filters: 16, kernel: 3, stride: 2, padding: .same, activation: .relu),
             ConvTranspose2D(inputShape: [16, 40, 40], filters: 6, kernel: 3, stride: 1, padding: .valid)]
        }, [(false, true), (true, false)]),
    ]

    /// Adjacent convolution layers in a `Sequential` pass their batches in channel rows; the
    /// same layers chained by hand, each on its own, use sample rows. Both must give the same
    /// bits: outputs, input gradients and parameter gradients.
    @Test("adjacent convolution layers exchange channel rows and give the same bits as on their own",
          arguments: linkedStacks.indices)
    func channelRowsBetweenLayers(stackIndex: Int) {
        let (name, build, channelRows) = Self.linkedStacks[stackIndex]
        let linked = Sequential(build(), inputs: [.sampleRows], outputs: [.sampleRows]), alone = build()
        for (index, (layer, copy)) in zip(linked.layers, alone).enumerated() {
            Self.prepare(layer, seed: UInt64(index))
            Self.prepare(copy, seed: UInt64(index))
        }
        // What `Sequential` planned: a layer takes channel rows when the one before gives them.
        func isChannelRows(_ layout: BatchLayout) -> Bool { if case .channelRows = layout { true } else { false } }
        let gives = linked.layouts.map(isChannelRows)
        let takes = [isChannelRows(linked.inputLayout)] + gives.dropLast()
        let exchanging = linked.layers.indices.map { index -> (in: Bool, out: Bool)? in
            linked.layers[index] is Reshape ? nil : (takes[index], gives[index])
        }
        #expect(exchanging.map { $0?.in } == channelRows.map { $0?.in }, "\(name)")
        #expect(exchanging.map { $0?.out } == channelRows.map { $0?.out }, "\(name)")

        let batch = 19
        if stackIndex == 1 {
            #expect(linked.layers.allSatisfy { ($0 as! ConvTranspose2D).chunkSize < batch })
        }
        let input = Self.randomMatrix(rows: batch, columns: linked.inputSize, seed: 4, purpose: "x")
        let gradient = Self.randomMatrix(rows: batch, columns: linked.outputSize, seed: 5, purpose: "dy")
        let output = linked.forward(input, context: Self.context).values
        let inputGradient = linked.backward(Matrix(rows: batch, columns: linked.outputSize, values: gradient.values),
                                            computeInputGradient: true, context: Self.context)!.values
        var current = input
        for layer in alone { current = layer.forward(current, giving: .sampleRows, context: Self.context) }
        #expect(firstBitDifference(current.values, output) == nil, "\(name): outputs")
        var currentGradient = Matrix(rows: batch, columns: linked.outputSize, values: gradient.values)
        for layer in alone.reversed() { currentGradient = layer.backward(currentGradient, computeInputGradient: true, context: Self.context)! }
        #expect(firstBitDifference(currentGradient.values, inputGradient) == nil, "\(name): input gradients")
        for (layer, copy) in zip(linked.layers, alone) {
            for (parameter, other) in zip(layer.parameters, copy.parameters) {
                #expect(firstBitDifference(parameter.gradient.values, other.gradient.values) == nil,
                        "\(name): \(parameter.name)")
            }
        }
    }

    // MARK: - The TensorFlow convolutional VAE

    static let tutorialSpec = ModelSpec(kind: .conv, encoder: [32, 64], latent: 2, decoder: [64, 32])

    @Test("the TF CVAE encoder: 1×28×28 → 32×13×13 → 64×6×6 → 2304 → 2·latent")
    func tutorialEncoder() {
        let encoder = ConvolutionalArchitecture.encoder(Self.tutorialSpec)
        #expect(encoder.layers.map(\.outputShape) == [[32, 13, 13], [64, 6, 6], [2304], [4]])
        #expect(encoder.inputSize == 784)
        // Keras' summary: 320, 18 496, 0, 9 220 parameters.
        #expect(encoder.layers.map { $0.parameters.reduce(0) { $0 + $1.count } } == [320, 18_496, 0, 9_220])
        #expect(encoder.parameters.map(\.name) == ["encoder.0.weight", "encoder.0.bias", "encoder.1.weight",
                                                   "encoder.1.bias", "encoder.3.weight", "encoder.3.bias"])
        #expect(encoder.parameters[2].shape == [64, 32, 3, 3])
    }

    @Test("the TF CVAE decoder: latent → 7·7·32 → 64×14×14 → 32×28×28 → 1×28×28 logits")
    func tutorialDecoder() {
        let decoder = ConvolutionalArchitecture.decoder(Self.tutorialSpec)
        #expect(decoder.layers.map(\.outputShape) == [[1568], [32, 7, 7], [64, 14, 14], [32, 28, 28], [1, 28, 28]])
        #expect(decoder.outputSize == 784)
        // Keras' summary: 4 704, 0, 18 496, 18 464, 289 parameters.
        #expect(decoder.layers.map { $0.parameters.reduce(0) { $0 + $1.count } } == [4_704, 0, 18_496, 18_464, 289])
        #expect(decoder.parameters[2].name == "decoder.2.weight")
        #expect(decoder.parameters[2].shape == [32, 64, 3, 3])
        let last = decoder.layers.last as? ConvTranspose2D
        #expect(last?.activation == .identity && last?.stride == 1 && last?.padding == .same)
    }

    @Test("a batch runs through the TF CVAE stacks forward and backward")
    func tutorialStacksRun() {
        let spec = ModelSpec(kind: .conv, encoder: [8, 16], latent: 3, decoder: [16, 8], activation: .relu)
        let encoder = ConvolutionalArchitecture.encoder(spec)
        let decoder = ConvolutionalArchitecture.decoder(spec)
        var stream = RandomStream(seed: 1, purpose: "init")
        for layer in encoder.layers + decoder.layers { layer.initialize(stream: &stream) }
        let images = Self.randomMatrix(rows: 4, columns: 784, seed: 1, purpose: "images")
        let moments = encoder.forward(images, context: Self.context)
        #expect(moments.rows == 4 && moments.columns == 6)
        let latent = Self.randomMatrix(rows: 4, columns: 3, seed: 2, purpose: "z")
        let logits = decoder.forward(latent, context: Self.context)
        #expect(logits.rows == 4 && logits.columns == 784)
        let dz = decoder.backward(Matrix(rows: 4, columns: 784, values: logits.values), computeInputGradient: true,
                                  context: Self.context)
        #expect(dz?.rows == 4 && dz?.columns == 3)
        #expect(encoder.backward(Matrix(rows: 4, columns: 6, values: moments.values), computeInputGradient: false,
                                    context: Self.context) == nil)
        #expect((encoder.parameters + decoder.parameters).allSatisfy { $0.gradient.values.allSatisfy(\.isFinite) })
    }

    @Test("specs that cannot be built are explained")
    func problems() {
        #expect(ConvolutionalArchitecture.problem(with: Self.tutorialSpec) == nil)
        let tiny = ModelSpec(kind: .conv, encoder: [8, 8, 8], latent: 2, decoder: [8], imageHeight: 8, imageWidth: 8)
        #expect(ConvolutionalArchitecture.problem(with: tiny)?.contains("encoder convolution 3 of 3") == true)
        let odd = ModelSpec(kind: .conv, encoder: [8], latent: 2, decoder: [8, 8], imageHeight: 30, imageWidth: 30)
        #expect(ConvolutionalArchitecture.problem(with: odd)?.contains("multiple of 4") == true)
        let deep = ModelSpec(kind: .conv, encoder: [8], latent: 2, decoder: Array(repeating: 8, count: 100))
        #expect(ConvolutionalArchitecture.problem(with: deep) != nil)
    }
}
