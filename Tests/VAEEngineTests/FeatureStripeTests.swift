import Foundation
import Synchronization
import Testing
import VAEEngine

/// The cuts that follow a layer's features: `.columns`, `.rows` and `.depth` products, the
/// passes over `ComputeContext`'s stripes, and the optimizer's stripes of a layer's rows must
/// agree on where each thread's features are, and still compute every value exactly once.
///
/// Pinned at two threads, whatever the machine: the stripes and partial products are then
/// really cut in two (and added in order) even on a one-core runner.
@Suite struct FeatureStripeTests {
    let context = ComputeContext(threads: 2)

    /// Operands of `C = A · Bᵀ` with A `m × k` and B `n × k`, values from a fixed sequence.
    static func operands(m: Int, n: Int, k: Int) -> (a: [Float], b: [Float]) {
        var state: UInt32 = 777
        func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) - 0.5
        }
        return ((0..<m * k).map { _ in next() }, (0..<n * k).map { _ in next() })
    }

    static func reference(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for l in 0..<k { sum += Double(a[i * k + l]) * Double(b[j * k + l]) }
                c[i * n + j] = sum
            }
        }
        return c
    }

    /// A product cut across k leaves one partial product per part; C plus the others, added in
    /// order, is the whole product.
    @Test(arguments: [(100, 256, 784), (64, 48, 1000), (3, 5, 7)])
    func partialProductsAcrossDepthAddUpToTheProduct(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let (a, b) = Self.operands(m: m, n: n, k: k)
        var c = [Float](repeating: 0, count: m * n)
        var partials = [Float](repeating: 0, count: max(1, (context.threads - 1) * m * n))
        let parts = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    partials.withUnsafeMutableBufferPointer { partials in
                        BLAS.gemm(.init(m: m, n: n, k: k), .init(a.baseAddress!, rowStride: k),
                                  .init(b.baseAddress!, rowStride: k, .transposed),
                                  into: .init(c.baseAddress!, rowStride: n, partials: partials.baseAddress!),
                                  cut: .depth, context: context)
                    }
                }
            }
        }
        #expect(parts >= 1 && parts <= context.threads)
        if m * n * k >= 1 << 17 { #expect(parts == 2) }
        for part in 1..<parts {
            for index in 0..<m * n { c[index] += partials[(part - 1) * m * n + index] }
        }
        let expected = Self.reference(a, b, m: m, n: n, k: k)
        let worst = zip(c, expected).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(worst < 1e-5 * Double(k), "largest error \(worst)")
    }

    /// The column stripes a `.columns` product hands its epilogue, and the row stripes of a
    /// `.rows` product of the same width, are the stripes of `ComputeContext.forEach(stripesOf:)`.
    @Test(arguments: [784, 256, 400, 20])
    func productsAndPassesCutTheSameStripes(width: Int) {
        let (m, k) = (100, 1024)  // big enough to be cut at every width here
        let (a, b) = Self.operands(m: m, n: width, k: k)
        let columnBlocks = Mutex<[Range<Int>]>([])
        let rowBlocks = Mutex<[Range<Int>]>([])
        let c = Matrix(rows: m, columns: width), t = Matrix(rows: width, columns: m)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                // C = A · Bᵀ, `m × width`, cut across its columns.
                BLAS.gemm(.init(m: m, n: width, k: k), .init(a.baseAddress!, rowStride: k),
                          .init(b.baseAddress!, rowStride: k, .transposed), into: .init(c.data, rowStride: width),
                          cut: .columns, context: context) { _, columns in columnBlocks.withLock { $0.append(columns) } }
                // Cᵀ = B · Aᵀ, `width × m`, cut across its rows.
                BLAS.gemm(.init(m: width, n: m, k: k), .init(b.baseAddress!, rowStride: k),
                          .init(a.baseAddress!, rowStride: k, .transposed), into: .init(t.data, rowStride: m),
                          cut: .rows, context: context) { rows, _ in rowBlocks.withLock { $0.append(rows) } }
            }
        }
        let passStripes = Mutex<[Range<Int>]>([])
        context.forEach(stripesOf: width) { columns in passStripes.withLock { $0.append(columns) } }
        let stripes = passStripes.withLock { $0.sorted { $0.lowerBound < $1.lowerBound } }
        #expect(columnBlocks.withLock { $0.sorted { $0.lowerBound < $1.lowerBound } } == stripes)
        #expect(rowBlocks.withLock { $0.sorted { $0.lowerBound < $1.lowerBound } } == stripes)
        #expect(stripes.first?.lowerBound == 0 && stripes.last?.upperBound == width)
        // Two threads cut every width here above two granules in two.
        #expect(stripes.count == (width > 32 ? 2 : 1))
        for (left, right) in zip(stripes, stripes.dropFirst()) {
            #expect(left.upperBound == right.lowerBound)
            #expect(left.upperBound % 16 == 0, "a stripe edge inside a cache line of a row")
        }
    }

    /// `forEachStripe` numbers its stripes in order, also when the helpers are busy (inside
    /// another pass) and the stripes run one after another on the caller.
    @Test func stripesAreNumberedInOrderOnHelpersAndOnTheCaller() {
        func stripes() -> [Int: Range<Int>] {
            let seen = Mutex<[Int: Range<Int>]>([:])
            context.forEachStripe(of: 784) { stripe, columns in seen.withLock { $0[stripe] = columns } }
            return seen.withLock { $0 }
        }
        let onHelpers = stripes()
        let onCaller = Mutex<[Int: Range<Int>]>([:])
        context.forEach(2) { range in
            if range.contains(0) { onCaller.withLock { $0 = stripes() } }
        }
        #expect(onCaller.withLock { $0 } == onHelpers)
        #expect(onHelpers.count == context.stripeCount(of: 784))
        #expect(onHelpers.count == 2)
        let ordered = (0..<onHelpers.count).map { onHelpers[$0]! }
        #expect(ordered.first?.lowerBound == 0 && ordered.last?.upperBound == 784)
    }

    /// Every optimizer's update over the threads' row stripes of a layer big enough to be cut
    /// gives the bits of the same update on one thread, step after step.
    @Test(arguments: [OptimizerSpec.adam(learningRate: 1e-3), .kerasAdam(learningRate: 1e-3),
                      .sgd(learningRate: 0.05, momentum: 0.9), .sgd(learningRate: 0.05), .rmsprop(learningRate: 1e-3)])
    func stripedUpdatesAreTheSingleThreadedOnes(spec: OptimizerSpec) {
        func run(_ context: ComputeContext) -> [[Float]] {
            let weight = Parameter(name: "w", shape: [520, 260], rows: 520, columns: 260)
            let bias = Parameter(name: "b", shape: [520], rows: 1, columns: 520)
            let optimizer = spec.make(for: [weight, bias], context: context)
            for step in 0..<3 {
                for parameter in [weight, bias] {
                    for i in 0..<parameter.count {
                        parameter.gradient.data[i] = Float((i &* 7919 &+ step &* 104_729) % 2001 - 1000) * 1e-3
                    }
                }
                optimizer.step()
            }
            return [weight.value.values, bias.value.values]
        }
        let (striped, alone) = (run(context), run(.singleThread))
        for (a, b) in zip(striped, alone) { #expect(firstBitDifference(a, b) == nil, "\(spec)") }
        #expect(striped[0].contains { $0 != 0 } && striped[1].contains { $0 != 0 })
    }

    /// Adam over a layer big enough to be cut into the threads' row stripes updates every
    /// weight and bias exactly once: after one step each has moved by the learning rate
    /// towards minus its gradient's sign (m̂ = g, v̂ = g²).
    @Test func adamOverRowStripesUpdatesEveryElementOnce() {
        let (outputs, inputs) = (520, 260)
        let weight = Parameter(name: "w", shape: [outputs, inputs], rows: outputs, columns: inputs)
        let bias = Parameter(name: "b", shape: [outputs], rows: 1, columns: outputs)
        for parameter in [weight, bias] {
            for i in 0..<parameter.count {
                parameter.value.data[i] = 1
                parameter.gradient.data[i] = (i % 3 == 0 ? -1 : 1) * Float(1 + i % 5) * 0.01
            }
        }
        let learningRate: Float = 1e-3
        Adam(parameters: [weight, bias], learningRate: learningRate, context: context).step()
        for parameter in [weight, bias] {
            let wrong = (0..<parameter.count).first { i in
                let g = parameter.gradient.data[i]
                return abs(parameter.value.data[i] - (1 - learningRate * (g > 0 ? 1 : -1))) > 1e-6
            }
            #expect(wrong == nil, "\(parameter.name)[\(wrong ?? -1)] = \(wrong.map { parameter.value.data[$0] } ?? 0)")
        }
    }
}
