import CVectorIntrinsics
import Dispatch

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
    /// Per kernel row `ky`: the output rows whose input row is inside the image (no padding).
    private let rowRanges: [Int]
    /// Per kernel column `kx`: the output columns whose input column is inside the image.
    private let columnRanges: [Int]

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
        // Flattened (lower, upper) pairs, computed once so the loops divide nothing.
        rowRanges = (0..<kernel).flatMap { [padTop, height, outputHeight, stride] ky in
            let range = Self.validRange(tap: ky, pad: padTop, input: height, output: outputHeight, stride: stride)
            return [range.lower, range.upper]
        }
        columnRanges = (0..<kernel).flatMap { [padLeft, width, outputWidth, stride] kx in
            let range = Self.validRange(tap: kx, pad: padLeft, input: width, output: outputWidth, stride: stride)
            return [range.lower, range.upper]
        }
    }

    /// Values per input image.
    var inputSize: Int { channels * height * width }
    /// Output positions per image.
    var positions: Int { outputHeight * outputWidth }
    /// Kernel taps per output position: the patch matrix's rows.
    var taps: Int { channels * kernel * kernel }

    /// The output positions `o` along one axis whose input position `o · stride + tap − pad`
    /// lies in the image, as `lower..<upper` (empty as `0..<0`).
    private static func validRange(tap: Int, pad: Int, input: Int, output: Int, stride: Int) -> (lower: Int, upper: Int) {
        let offset = tap - pad
        let lower = offset >= 0 ? 0 : (stride - offset - 1) / stride
        let last = input - 1 - offset  // the largest o · stride allowed
        let upper = last < 0 ? 0 : min(output, last / stride + 1)
        return lower < upper ? (lower, upper) : (0, 0)
    }

    /// Adds the patch matrix `patches` (`taps × (batch · positions)`) back onto `batch` images:
    /// every tap's value is accumulated into the pixel it was read from; padding taps are dropped.
    ///
    /// Each image plane starts at zero, or at `bias[c]`, is accumulated tap after tap in a fixed
    /// order, and then goes through `activation` while it is in cache. `patches` must lie in a
    /// `ScratchBuffer`: at stride 2 the reads use its margins.
    func col2im(_ patches: UnsafePointer<Float>, batch: Int, bias: UnsafePointer<Float>? = nil,
                activation: Activation = .identity, into output: UnsafeMutablePointer<Float>) {
        ParallelRanges.forEach(batch, minimumPerThread: 4) { samples in
            if stride == 2 && width % 2 == 0 && kernel <= Self.widestGatheredKernel {
                col2imStrideTwo(patches, batch: batch, samples: samples, bias: bias, activation: activation, into: output)
            } else {
                col2im(patches, batch: batch, samples: samples, bias: bias, activation: activation, into: output)
            }
        }
    }

    /// The widest kernel whose stride-2 col2im reads stay within a `ScratchBuffer`'s margin.
    static let widestGatheredKernel = 9

    /// col2im at stride 2 for even image widths, summing each pixel in a register in the same
    /// order as the scatter below — its bias, then the taps in `(ky, kx)` order — so the values
    /// are the same.
    ///
    /// Scattering at stride 2 updates image rows in memory through pairs of overlapping vectors,
    /// and with 7- or 14-pixel runs a load often half-overlaps a store still in flight and waits
    /// for it. Here eight of an image row's even columns and the same eight odd columns are
    /// summed in two registers — every tap's run is contiguous in one of them — then
    /// interleaved and stored once.
    ///
    /// Loads may start a few values before a run and end up to a dozen after it (fewer than
    /// `ScratchBuffer.margin` for kernels up to `widestGatheredKernel`): the patches live in a
    /// `ScratchBuffer`, which keeps a margin on both sides, and lanes outside the run are
    /// replaced by zeros before they are added.
    private func col2imStrideTwo(_ patches: UnsafePointer<Float>, batch: Int, samples: Range<Int>,
                                 bias: UnsafePointer<Float>?, activation: Activation,
                                 into output: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        let rowStride = batch &* positions
        let (height, width, kernel, channels) = (height, width, kernel, channels)
        let (outputHeight, outputWidth, positions, padTop, padLeft) = (outputHeight, outputWidth, positions, padTop, padLeft)
        let pairs = width / 2
        // Eight phase columns per block; the last block overlaps the one before rather than
        // leaving the row, and a row narrower than 16 pixels is one block.
        let blockStarts = Swift.stride(from: 0, to: pairs, by: 8).map { pairs >= 8 ? min($0, pairs - 8) : 0 }
        // Per block and kernel column: the patch column of lane 0, the phase written, and which
        // lanes fall outside the kernel column's run — independent of the image and the row.
        let lane = V(0, 1, 2, 3, 4, 5, 6, 7)
        let reads: [(offset: Int, odd: Bool, outside: SIMDMask<SIMD8<Int32>>, empty: Bool)] =
            blockStarts.flatMap { j in
                (0..<kernel).map { kx in
                    let firstColumn = columnRanges[2 * kx], endColumn = columnRanges[2 * kx + 1]
                    // Image column 2·ox + x: phase x & 1, phase column ox + (x − phase)/2.
                    let x = kx - padLeft, phase = x & 1
                    let first = j - (x - phase) / 2
                    let columns = lane + V(repeating: Float(first))
                    let outside = (columns .< V(repeating: Float(firstColumn))) .| (columns .>= V(repeating: Float(endColumn)))
                    return (first, phase == 1, outside, firstColumn >= endColumn)
                }
            }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { shortRow in
        reads.withUnsafeBufferPointer { reads in
            let reads = reads.baseAddress!, shortRow = shortRow.baseAddress!
            for b in samples {
                for c in 0..<channels {
                    let plane = output + (b &* channels &+ c) &* height &* width
                    let start = V(repeating: bias?[c] ?? 0)
                    for y in 0..<height {
                        for (blockIndex, j) in blockStarts.enumerated() {
                            var even = start, odd = start
                            for ky in 0..<kernel {
                                // The patch row `oy` whose tap `ky` reads image row `y`, if any.
                                let shifted = y &+ padTop &- ky
                                guard shifted >= 0, shifted & 1 == 0, shifted >> 1 < outputHeight else { continue }
                                let row = patches + (b &* positions &+ (shifted >> 1) &* outputWidth)
                                for kx in 0..<kernel {
                                    let read = reads[blockIndex &* kernel &+ kx]
                                    if read.empty { continue }
                                    let tap = (c &* kernel &+ ky) &* kernel &+ kx
                                    let values = RowKernels.load8(row + (tap &* rowStride &+ read.offset))
                                    let contribution = values.replacing(with: 0, where: read.outside)
                                    if read.odd { odd += contribution } else { even += contribution }
                                }
                            }
                            if pairs >= 8 {
                                let destination = plane + (y &* width &+ 2 &* j)
                                RowKernels.store(notebook_interleave_low8(even, odd), destination)
                                RowKernels.store(notebook_interleave_high8(even, odd), destination + 8)
                            } else {
                                // A row narrower than 16 pixels: through a buffer, so no store leaves it.
                                RowKernels.store(notebook_interleave_low8(even, odd), shortRow)
                                RowKernels.store(notebook_interleave_high8(even, odd), shortRow + 8)
                                (plane + y &* width).update(from: shortRow, count: width)
                            }
                        }
                    }
                    activation.apply(plane, count: height &* width)
                }
            }
        }
        }
    }

    /// The images in `samples` from their patch-matrix columns.
    private func col2im(_ patches: UnsafePointer<Float>, batch: Int, samples: Range<Int>, bias: UnsafePointer<Float>?,
                        activation: Activation, into output: UnsafeMutablePointer<Float>) {
        let rowStride = batch &* positions
        let (height, width, kernel, stride, channels) = (height, width, kernel, stride, channels)
        let (outputWidth, positions, padTop, padLeft) = (outputWidth, positions, padTop, padLeft)
        rowRanges.withUnsafeBufferPointer { rowRanges in
        columnRanges.withUnsafeBufferPointer { columnRanges in
            let rowRanges = rowRanges.baseAddress!, columnRanges = columnRanges.baseAddress!
            for b in samples {
                for c in 0..<channels {
                    let plane = output + (b &* channels &+ c) &* height &* width
                    plane.update(repeating: bias?[c] ?? 0, count: height &* width)
                    for ky in 0..<kernel {
                        let firstValidRow = rowRanges[2 &* ky], endValidRow = rowRanges[2 &* ky &+ 1]
                        let firstRow = plane + ((firstValidRow &* stride &+ ky &- padTop) &* width)
                        for kx in 0..<kernel {
                            let tap = (c &* kernel &+ ky) &* kernel &+ kx
                            let firstColumn = columnRanges[2 &* kx], endColumn = columnRanges[2 &* kx &+ 1]
                            let run = endColumn &- firstColumn
                            var source = patches + (tap &* rowStride &+ b &* positions
                                                    &+ firstValidRow &* outputWidth &+ firstColumn)
                            var destination = firstRow + (firstColumn &* stride &+ kx &- padLeft)
                            for _ in firstValidRow..<endValidRow {
                                RowKernels.scatterAdd(destination, source, count: run, stride: stride)
                                source += outputWidth
                                destination += stride &* width
                            }
                        }
                    }
                    activation.apply(plane, count: height &* width)
                }
            }
        }
        }
    }
}

/// The inner loops of im2col and col2im: one image row against one run of a patch row.
///
/// Runs are short (6 to 28 values for 28×28 images), so they use 8- and 4-lane vectors with
/// an overlapping last vector where writing a value twice is harmless. Stride-2 runs update
/// the even elements of two overlapping vectors (elements `0…7` and `7…14`), so no access
/// leaves the `2·count − 1` elements the run covers.
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

    /// `destination[i · stride] += source[i]` for `i < count`, in increasing `i`.
    @inline(__always)
    static func scatterAdd(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>,
                           count: Int, stride: Int) {
        if stride == 1 {
            add(destination, source, count: count)
        } else if stride == 2 {
            addEven(destination, source, count: count)
        } else {
            for i in 0..<count { destination[i &* stride] += source[i] }
        }
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

    @inline(__always)
    static func add(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            store(load8(destination + i) + load8(source + i), destination + i)
            i &+= 8
        }
        if i &+ 4 <= count {
            store(load4(destination + i) + load4(source + i), destination + i)
            i &+= 4
        }
        while i < count {
            destination[i] += source[i]
            i &+= 1
        }
    }

    @inline(__always)
    static func addEven(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            let target = destination + 2 &* i
            let values = load8(source + i)
            var low = load8(target), high = load8(target + 7)
            low.evenHalf += values.lowHalf
            high.oddHalf += values.highHalf
            store(low, target)
            store(high, target + 7)
            i &+= 8
        }
        if i &+ 4 <= count {
            let target = destination + 2 &* i
            let values = load4(source + i)
            var low = load4(target), high = load4(target + 3)
            low.evenHalf += values.lowHalf
            high.oddHalf += values.highHalf
            store(low, target)
            store(high, target + 3)
            i &+= 4
        }
        while i < count {
            destination[2 &* i] += source[i]
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
