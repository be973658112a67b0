/// The shape of one 2-D convolution and its patch-matrix (im2col) transforms.
///
/// The convolution maps a `channels × height × width` image to `outputHeight × outputWidth`
/// positions with a square `kernel`, a `stride` and zero padding (`padTop`, `padLeft`; the
/// bottom/right padding is implied by the output size). For a batch of `B` images, the patch
/// matrix has one row per kernel tap `(c, ky, kx)` — `channels · kernel²` rows — and one column
/// per output position `(b, oy, ox)` — `B · outputHeight · outputWidth` columns — so that
/// `weights (filters × taps) · patches` is the whole batch's convolution in one `sgemm`, with
/// the result in `filters × (B · positions)` order: channel-major within each image, which only
/// needs contiguous blocks moved to become rows of samples again.
struct ConvolutionGeometry: Sendable, Equatable {
    let channels: Int
    let height: Int
    let width: Int
    let kernel: Int
    let stride: Int
    let padTop: Int
    let padLeft: Int
    let outputHeight: Int
    let outputWidth: Int

    init(channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Padding) {
        precondition(channels > 0 && height > 0 && width > 0, "a convolution needs a non-empty input")
        precondition(kernel > 0 && stride > 0, "kernel and stride must be positive")
        self.channels = channels
        self.height = height
        self.width = width
        self.kernel = kernel
        self.stride = stride
        padTop = padding.convolutionPadding(input: height, kernel: kernel, stride: stride).before
        padLeft = padding.convolutionPadding(input: width, kernel: kernel, stride: stride).before
        outputHeight = padding.convolutionOutput(input: height, kernel: kernel, stride: stride)
        outputWidth = padding.convolutionOutput(input: width, kernel: kernel, stride: stride)
        precondition(outputHeight > 0 && outputWidth > 0,
                     "a \(kernel)×\(kernel) kernel does not fit a \(height)×\(width) image without padding")
    }

    /// Values per input image.
    var inputSize: Int { channels * height * width }
    /// Output positions per image.
    var positions: Int { outputHeight * outputWidth }
    /// Kernel taps per output position: the patch matrix's rows.
    var taps: Int { channels * kernel * kernel }
}

/// Unaligned vector loads and stores, and copies of short runs (6 to 28 values for 28×28
/// images): 8- and 4-lane vectors with an overlapping last vector, where writing a value
/// twice is harmless.
enum RowKernels {
    @inline(__always)
    static func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load4(_ pointer: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD4<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        if count >= 8 {
            var i = 0
            while i &+ 8 <= count {
                store(load8(source + i), destination + i)
                i &+= 8
            }
            if i < count { store(load8(source + (count &- 8)), destination + (count &- 8)) }
        } else if count >= 4 {
            store(load4(source), destination)
            store(load4(source + (count &- 4)), destination + (count &- 4))
        } else {
            for i in 0..<count { destination[i] = source[i] }
        }
    }

    /// `destination[i] = source[i] + shift` for `i < count`.
    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int,
                     adding shift: Float) {
        let shift8 = SIMD8(repeating: shift)
        var i = 0
        while i &+ 8 <= count {
            store(load8(source + i) + shift8, destination + i)
            i &+= 8
        }
        while i < count {
            destination[i] = source[i] + shift
            i &+= 1
        }
    }
}

/// Moves a batch between sample rows and channel rows, with the element-wise work of the
/// layers fused into the same pass.
///
/// A batch of images as `batch × (channels · plane)` rows and the same values as
/// `channels × (batch · plane)`: both are row-major, so each move copies `batch · channels`
/// contiguous blocks of `plane` values, and each block is finished while it is in cache.
enum ChannelLayout {
    /// `source[b, c, p]` → `destination[c, b, p]`.
    static func samplesToChannels(_ source: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                                  into destination: UnsafeMutablePointer<Float>) {
        ParallelRanges.forEach(batch, minimumPerThread: 4) { samples in
            for b in samples {
                for c in 0..<channels {
                    RowKernels.copy(destination + (c &* batch &+ b) &* plane, source + (b &* channels &+ c) &* plane,
                                    count: plane)
                }
            }
        }
    }

    /// `source[c, b, p]` → `destination[b, c, p]`.
    static func channelsToSamples(_ source: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                                  into destination: UnsafeMutablePointer<Float>) {
        ParallelRanges.forEach(batch, minimumPerThread: 4) { samples in
            for b in samples {
                for c in 0..<channels {
                    RowKernels.copy(destination + (b &* channels &+ c) &* plane, source + (c &* batch &+ b) &* plane,
                                    count: plane)
                }
            }
        }
    }

    /// `destination[b, c, p] = activation(source[c, b, p] + bias[c])`: a convolution's epilogue.
    static func channelsToSamples(_ source: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                                  bias: UnsafePointer<Float>, activation: Activation,
                                  into destination: UnsafeMutablePointer<Float>) {
        ParallelRanges.forEach(batch, minimumPerThread: 4) { samples in
            for b in samples {
                for c in 0..<channels {
                    let block = destination + (b &* channels &+ c) &* plane
                    RowKernels.copy(block, source + (c &* batch &+ b) &* plane, count: plane, adding: bias[c])
                    activation.apply(block, count: plane)
                }
            }
        }
    }

    /// A backward pass' prologue over `gradient[b, c, p]`, block by block: multiplies it by the
    /// activation's derivative (from `outputs`), writes each block's sum to `blockSums[b, c]`
    /// (for `reduceBlockSums`), and, when given, copies it to `channelMajor[c, b, p]`.
    static func backwardPrologue(_ gradient: UnsafeMutablePointer<Float>, outputs: UnsafePointer<Float>,
                                 batch: Int, channels: Int, plane: Int, activation: Activation,
                                 blockSums: UnsafeMutablePointer<Float>, channelMajor: UnsafeMutablePointer<Float>?) {
        ParallelRanges.forEach(batch, minimumPerThread: 4) { samples in
            for b in samples {
                for c in 0..<channels {
                    let offset = (b &* channels &+ c) &* plane
                    let block = gradient + offset
                    multiplyByDerivative(activation, outputs: outputs + offset, gradient: block, count: plane)
                    blockSums[b &* channels &+ c] = sum(block, count: plane)
                    if let channelMajor {
                        RowKernels.copy(channelMajor + (c &* batch &+ b) &* plane, block, count: plane)
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

    /// The sum of `count` values, in eight interleaved partial sums combined in a fixed order.
    @inline(__always)
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var partial = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= count {
            partial += RowKernels.load8(values + i)
            i &+= 8
        }
        var total = partial.sum()
        while i < count {
            total += values[i]
            i &+= 1
        }
        return total
    }
}

/// A growable scratch buffer of `Float`, kept at the largest size asked for.
///
/// Layers ask for their working space every step; only a batch larger than any
/// seen before reallocates, so training steps of a fixed size allocate nothing.
/// `margin` zeros lie before and after the space handed out, so that vector loads
/// starting just before it or ending just after it stay inside the allocation.
final class ScratchBuffer {
    static let margin = 16
    private(set) var capacity = 0
    private var storage: UnsafeMutablePointer<Float>?

    init() {}

    deinit { storage?.deallocate() }

    /// Storage for at least `count` values; contents are unspecified.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if let storage, count <= capacity { return storage + Self.margin }
        storage?.deallocate()
        let size = max(count, 1) + 2 * Self.margin
        let grown = UnsafeMutablePointer<Float>.allocate(capacity: size)
        grown.initialize(repeating: 0, count: size)
        storage = grown
        capacity = max(count, 1)
        return grown + Self.margin
    }
}
