import Testing
import VAEEngine

/// The memory a model needs, from its architecture alone.
@Suite struct MemoryEstimateTests {
    @Test func weightsMatchTheModelsParameters() {
        for spec in [ModelSpec(encoder: [400], latent: 20, decoder: [400]),
                     ModelSpec(kind: .conv, encoder: [32, 64], latent: 16, decoder: [64, 32])] {
            let estimate = MemoryEstimate(spec: spec, batch: 128, optimizerSlots: 2)
            let parameters = VAE(spec: spec).parameterCount
            #expect(estimate.weightBytes == 4 * parameters)
            #expect(estimate.gradientBytes == 4 * parameters)
            #expect(estimate.optimizerBytes == 8 * parameters)
        }
    }

    @Test func activationsGrowWithTheBatchAndConvolutionsNeedIm2col() {
        let spec = ModelSpec(kind: .conv, encoder: [32, 64], latent: 16, decoder: [64, 32])
        let small = MemoryEstimate(spec: spec, batch: 10, optimizerSlots: 0)
        let large = MemoryEstimate(spec: spec, batch: 100, optimizerSlots: 0)
        #expect(large.activationBytes == 10 * small.activationBytes)
        #expect(small.im2colBytes > 0)
        #expect(MemoryEstimate(spec: ModelSpec(encoder: [8], latent: 2, decoder: [8]), batch: 10, optimizerSlots: 0)
            .im2colBytes == 0)
    }

    @Test func anAbsurdModelSaturatesInsteadOfTrapping() {
        let spec = ModelSpec(kind: .conv, encoder: [Int.max / 4], latent: 2, decoder: [8192], imageHeight: Int.max / 8)
        let estimate = MemoryEstimate(spec: spec, batch: Int.max, optimizerSlots: 2)
        #expect(estimate.totalBytes == Int.max)
        #expect(MemoryEstimate.describe(estimate.totalBytes) == "more than 4 EiB")
    }

    @Test func figuresReadAsAPersonWouldWriteThem() {
        #expect(MemoryEstimate.describe(1_048_576 * 3 / 2) == "1.5 MiB")
        #expect(MemoryEstimate.describe(51_861_209_088) == "48.3 GiB")
        #expect(MemoryEstimate.availableBytes().map { $0 > 0 } ?? true)
    }
}
