/// Where each image channel — a plane of values — of a batch lies: in rows of samples
/// (`[b][c][p]`, the layout of every `Matrix` a network passes around) or in rows of channels
/// across the batch (`[c][b][p]`, the layout of a convolution's products, which adjacent
/// convolution layers exchange directly).
struct BatchPlanes: Equatable {
    /// Values from one image's plane to the next image's same plane.
    let sampleStride: Int
    /// Values from one channel's plane to the next channel's, in the same image.
    let channelStride: Int

    static func samples(channels: Int, plane: Int) -> BatchPlanes {
        BatchPlanes(sampleStride: channels * plane, channelStride: plane)
    }

    static func channels(batch: Int, plane: Int) -> BatchPlanes {
        BatchPlanes(sampleStride: plane, channelStride: batch * plane)
    }

    /// Where image `b`'s channel `c` starts.
    @inline(__always)
    func offset(sample b: Int, channel c: Int) -> Int { b &* sampleStride &+ c &* channelStride }
}

/// Moves a batch between sample rows and channel rows, with the element-wise work of the
/// layers fused into the same pass.
///
/// A batch of images as `batch × (channels · plane)` rows and the same values as
/// `channels × (batch · plane)`: both are row-major, so each move copies `batch · channels`
/// contiguous blocks of `plane` values, and each block is finished while it is in cache.
enum ChannelLayout {
    /// Copies every image plane of a batch from where `from` says to where `to` says: from
    /// rows of samples to channel rows, or back.
    static func move(_ source: UnsafePointer<Float>, from: BatchPlanes, into destination: UnsafeMutablePointer<Float>,
                     to: BatchPlanes, batch: Int, channels: Int, plane: Int, context: ComputeContext) {
        context.forEach(batch, minimumPerThread: 4) { samples in
            for b in samples {
                for c in 0..<channels {
                    RowKernels.copy(destination + to.offset(sample: b, channel: c),
                                    source + from.offset(sample: b, channel: c), count: plane)
                }
            }
        }
    }

    /// `destination[b, c, p] = activation(source[c, b, p] + bias[c])`, with `destination` laid
    /// out as `layout` says (it may be `source` itself when that is channel rows): a
    /// convolution's epilogue.
    static func addBiasAndActivate(_ source: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                                   bias: UnsafePointer<Float>, activation: Activation,
                                   into destination: UnsafeMutablePointer<Float>, layout: BatchPlanes,
                                   context: ComputeContext) {
        context.forEach(batch, minimumPerThread: 4) { samples in
            for b in samples {
                for c in 0..<channels {
                    let block = destination + layout.offset(sample: b, channel: c)
                    RowKernels.copy(block, source + (c &* batch &+ b) &* plane, count: plane, adding: bias[c])
                    activation.apply(block, count: plane)
                }
            }
        }
    }

    /// A backward pass' prologue over `gradient[b, c, p]` (and `outputs`, both laid out as
    /// `layout` says), block by block: `PlanePrologue`, and, when given, a copy of each block
    /// to `channelMajor[c, b, p]`.
    static func backwardPrologue(_ gradient: UnsafeMutablePointer<Float>, outputs: UnsafePointer<Float>,
                                 batch: Int, channels: Int, plane: Int, activation: Activation, layout: BatchPlanes,
                                 blockSums: UnsafeMutablePointer<Float>, channelMajor: UnsafeMutablePointer<Float>?,
                                 context: ComputeContext) {
        let prologue = PlanePrologue(gradient: gradient, outputs: outputs, activation: activation,
                                     blockSums: blockSums, channels: channels, plane: plane)
        context.forEach(batch, minimumPerThread: 4) { samples in
            for b in samples {
                for c in 0..<channels {
                    let offset = layout.offset(sample: b, channel: c)
                    prologue.run(sample: b, channel: c, offset: offset)
                    if let channelMajor {
                        RowKernels.copy(channelMajor + (c &* batch &+ b) &* plane, gradient + offset, count: plane)
                    }
                }
            }
        }
    }

    /// `sums[c] = Σ_b blockSums[b, c]`, sample after sample: the bias gradient, in an order that
    /// depends on nothing but the batch.
    static func reduceBlockSums(_ blockSums: UnsafePointer<Float>, batch: Int, channels: Int,
                                into sums: UnsafeMutablePointer<Float>) {
        sums.update(repeating: 0, count: channels)
        for b in 0..<batch {
            for c in 0..<channels { sums[c] += blockSums[b &* channels &+ c] }
        }
    }

    /// `Activation.backward`, with ReLU and leaky ReLU as branch-free vector selects: their signs
    /// are unpredictable, and a branch per value costs more than the rest of the pass.
    @inline(__always)
    static func multiplyByDerivative(_ activation: Activation, outputs: UnsafePointer<Float>,
                                     gradient: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        switch activation {
        case .relu:  // zero where the output is ≤ 0
            while i &+ 8 <= count {
                let values = RowKernels.load8(gradient + i)
                RowKernels.store(values.replacing(with: 0, where: RowKernels.load8(outputs + i) .<= 0), gradient + i)
                i &+= 8
            }
            while i < count {
                if outputs[i] <= 0 { gradient[i] = 0 }
                i &+= 1
            }
        case .leakyRelu:  // times the slope where the output is ≤ 0
            let slope = SIMD8<Float>(repeating: Activation.leakySlope)
            while i &+ 8 <= count {
                let values = RowKernels.load8(gradient + i)
                let scaled = values.replacing(with: values * slope, where: RowKernels.load8(outputs + i) .<= 0)
                RowKernels.store(scaled, gradient + i)
                i &+= 8
            }
            while i < count {
                if outputs[i] <= 0 { gradient[i] *= Activation.leakySlope }
                i &+= 1
            }
        default:
            activation.backward(outputs: outputs, gradient: gradient, count: count)
        }
    }

}

/// The start of a convolution layer's backward pass on one image plane of its output
/// gradient: multiplied in place by the activation's derivative (from the layer's outputs,
/// at the same offset), and summed into `blockSums[b, c]` for the bias gradient.
///
/// `ChannelLayout.backwardPrologue` runs it over a batch; im2col can run it on each plane
/// just before splitting it, while the plane is in cache.
struct PlanePrologue {
    let gradient: UnsafeMutablePointer<Float>
    let outputs: UnsafePointer<Float>
    let activation: Activation
    let blockSums: UnsafeMutablePointer<Float>
    let channels: Int
    let plane: Int

    @inline(__always)
    func run(sample b: Int, channel c: Int, offset: Int) {
        let block = gradient + offset
        ChannelLayout.multiplyByDerivative(activation, outputs: outputs + offset, gradient: block, count: plane)
        blockSums[b &* channels &+ c] = RowKernels.sum(block, count: plane)
    }
}
