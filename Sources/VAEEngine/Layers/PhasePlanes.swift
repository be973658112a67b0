import CVectorIntrinsics

/// An image channel cut into its `stride × stride` phase planes — the pixels whose row and
/// column leave the same remainders modulo the stride — each inside a border of zeros.
///
/// Kernel tap `(ky, kx)` reads pixel `(s·oy + ky − padTop, s·ox + kx − padLeft)` for output
/// position `(oy, ox)` at stride `s`. Writing `ky − padTop = s·dy + py` and
/// `kx − padLeft = s·dx + px` (remainders `py, px` in `0..<s`), that pixel is `(oy + dy, ox + dx)`
/// of phase plane `(py, px)`. So every row of a tap's patch block is `outputWidth` consecutive
/// values of one phase-plane row, with the padding already there as the border's zeros, and
/// im2col is a split of each channel followed by plain copies: no per-value index arithmetic,
/// no edge cases per row, no lanes to mask.
struct PhasePlanes {
    let stride: Int
    /// Values from one phase-plane row to the next, border included.
    let pitch: Int
    /// Values per phase plane, border included.
    let planeSize: Int
    /// Offset of phase pixel `(0, 0)` from the start of its plane.
    let origin: Int
    /// Per kernel row `ky`: the phase row `py` and the shift `dy` it reads at.
    let rowTaps: [(phase: Int, shift: Int)]
    /// Per kernel column `kx`: the phase column `px` and the shift `dx`.
    let columnTaps: [(phase: Int, shift: Int)]

    init(_ geometry: ConvolutionGeometry) {
        let s = geometry.stride
        stride = s
        func split(_ offset: Int) -> (phase: Int, shift: Int) {
            let phase = (offset % s + s) % s
            return (phase, (offset - phase) / s)
        }
        rowTaps = (0..<geometry.kernel).map { split($0 - geometry.padTop) }
        columnTaps = (0..<geometry.kernel).map { split($0 - geometry.padLeft) }
        // Phase 0 has the most pixels: ⌈height / s⌉ rows, ⌈width / s⌉ columns. The border
        // reaches every row and column a tap reads or adds to, from its lowest shift to the
        // last output plus its highest.
        let rowLow = min(0, rowTaps.map(\.shift).min()!)
        let rowHigh = max((geometry.height + s - 1) / s, geometry.outputHeight + rowTaps.map(\.shift).max()!)
        let columnLow = min(0, columnTaps.map(\.shift).min()!)
        // col2im adds whole 8-lane vectors, so each tap's run is rounded up to a multiple of 8.
        let paddedWidth = (geometry.outputWidth + 7) / 8 * 8
        let columnHigh = max((geometry.width + s - 1) / s, paddedWidth + columnTaps.map(\.shift).max()!)
        pitch = columnHigh - columnLow
        planeSize = (rowHigh - rowLow) * pitch
        origin = -rowLow * pitch - columnLow
    }

    /// Values of all `stride²` planes, and eight more: a narrow row is read eight values at a
    /// time, which may run past the last plane's last row.
    var size: Int { stride * stride * planeSize + 8 }

    /// Writes one image channel (`height × width` values) into the planes at `planes`, which
    /// start zeroed. Only pixels of the image are written, so the borders and any phase cell
    /// without a pixel (the last row or column of a shorter phase) stay zero from call to call.
    func split(_ channel: UnsafePointer<Float>, height: Int, width: Int, into planes: UnsafeMutablePointer<Float>) {
        let s = stride, planeSize = planeSize
        forEachImageRow(height: height) { y, offset in
            let row = channel + y &* width, phaseRow = planes + offset
            switch s {
            case 1:
                RowKernels.copy(phaseRow, row, count: width)
            case 2:
                Self.splitEvenOdd(row, count: width, even: phaseRow, odd: phaseRow + planeSize)
            default:
                Self.forEachPixel(width: width, stride: s) { x, column, phaseColumn in
                    phaseRow[column &* planeSize &+ phaseColumn] = row[x]
                }
            }
        }
    }

    /// The inverse of `split`: writes the image pixels of the planes at `planes` into a
    /// `height × width` channel.
    func merge(_ planes: UnsafePointer<Float>, into channel: UnsafeMutablePointer<Float>, height: Int, width: Int) {
        let s = stride, planeSize = planeSize
        forEachImageRow(height: height) { y, offset in
            let row = channel + y &* width, phaseRow = planes + offset
            switch s {
            case 1:
                RowKernels.copy(row, phaseRow, count: width)
            case 2:
                Self.interleave(even: phaseRow, odd: phaseRow + planeSize, count: width, into: row)
            default:
                Self.forEachPixel(width: width, stride: s) { x, column, phaseColumn in
                    row[x] = phaseRow[column &* planeSize &+ phaseColumn]
                }
            }
        }
    }

    /// Calls `body(y, offset)` for every image row `y`, with `offset` where that row lies in
    /// the planes: its phase row in plane `(y mod s, 0)`. Phase rows are counted, not divided.
    @inline(__always)
    private func forEachImageRow(height: Int, _ body: (_ y: Int, _ offset: Int) -> Void) {
        let s = stride
        var phase = 0, phaseRow = 0
        for y in 0..<height {
            body(y, phase &* s &* planeSize &+ origin &+ phaseRow &* pitch)
            phase &+= 1
            if phase == s { phase = 0; phaseRow &+= 1 }
        }
    }

    /// Calls `body(x, x mod stride, x / stride)` for every pixel of a row, counting rather
    /// than dividing (strides above 2 only; 1 and 2 have their own vector loops).
    @inline(__always)
    private static func forEachPixel(width: Int, stride s: Int, _ body: (_ x: Int, _ column: Int, _ phaseColumn: Int) -> Void) {
        var column = 0, phaseColumn = 0
        for x in 0..<width {
            body(x, column, phaseColumn)
            column &+= 1
            if column == s { column = 0; phaseColumn &+= 1 }
        }
    }

    /// `row[2i] = even[i]`, `row[2i + 1] = odd[i]` for the `count` values of `row`: sixteen
    /// (or, in rows narrower than 16, eight) values per group of stores, the last group
    /// overlapping the one before.
    @inline(__always)
    static func interleave(even: UnsafePointer<Float>, odd: UnsafePointer<Float>, count: Int,
                           into row: UnsafeMutablePointer<Float>) {
        let pairs = count / 2
        if pairs >= 8 {
            var i = 0
            while true {
                let start = min(i, pairs &- 8)
                let evens = RowKernels.load8(even + start), odds = RowKernels.load8(odd + start)
                RowKernels.store(notebook_interleave_low8(evens, odds), row + 2 &* start)
                RowKernels.store(notebook_interleave_high8(evens, odds), row + (2 &* start &+ 8))
                if start == pairs &- 8 { break }
                i &+= 8
            }
        } else if pairs >= 4 {
            var start = 0
            while true {
                let evens = SIMD8(lowHalf: RowKernels.load4(even + start), highHalf: SIMD4())
                let odds = SIMD8(lowHalf: RowKernels.load4(odd + start), highHalf: SIMD4())
                RowKernels.store(notebook_interleave_low8(evens, odds), row + 2 &* start)
                if start == pairs &- 4 { break }
                start = pairs &- 4
            }
        } else {
            for i in 0..<pairs {
                row[2 &* i] = even[i]
                row[2 &* i &+ 1] = odd[i]
            }
        }
        if count & 1 == 1 { row[count &- 1] = even[pairs] }
    }

    /// `even[i] = row[2i]`, `odd[i] = row[2i + 1]` for the `count` values of `row`: eight pairs
    /// per pair of loads, the last group overlapping the one before; no load leaves the row.
    @inline(__always)
    static func splitEvenOdd(_ row: UnsafePointer<Float>, count: Int, even: UnsafeMutablePointer<Float>,
                             odd: UnsafeMutablePointer<Float>) {
        let pairs = count / 2
        if pairs >= 8 {
            var i = 0
            while true {
                let start = min(i, pairs &- 8)
                let low = RowKernels.load8(row + 2 &* start), high = RowKernels.load8(row + (2 &* start &+ 8))
                RowKernels.store(notebook_even8(low, high), even + start)
                RowKernels.store(notebook_odd8(low, high), odd + start)
                if start == pairs &- 8 { break }
                i &+= 8
            }
        } else if pairs >= 4 {
            let first = RowKernels.load8(row), last = RowKernels.load8(row + 2 &* (pairs &- 4))
            RowKernels.store(first.evenHalf, even)
            RowKernels.store(first.oddHalf, odd)
            RowKernels.store(last.evenHalf, even + (pairs &- 4))
            RowKernels.store(last.oddHalf, odd + (pairs &- 4))
        } else {
            for i in 0..<pairs {
                even[i] = row[2 &* i]
                odd[i] = row[2 &* i &+ 1]
            }
        }
        if count & 1 == 1 { even[pairs] = row[count &- 1] }
    }
}

extension ConvolutionGeometry {
    /// Writes the patch matrix of `batch` images (rows of `inputSize` values) into `patches`,
    /// `taps × (batch · positions)` values; padding taps are written as zeros.
    ///
    /// Image by image and channel by channel: the channel is split into its phase planes (in
    /// cache, a few KB per thread), then each tap's block of `positions` values is copied row
    /// by row out of one plane.
    ///
    /// - Parameters:
    ///   - layout: where the input's planes lie; by default rows of samples.
    ///   - prologue: run on each plane of `input` (at the same offsets) just before it is
    ///     split: a backward pass's im2col of its output gradient finishes that gradient here.
    func im2col(_ input: UnsafePointer<Float>, batch: Int, layout: BatchPlanes? = nil, prologue: PlanePrologue? = nil,
                into patches: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let phases = PhasePlanes(self)
        let layout = layout ?? .samples(channels: channels, plane: height * width)
        context.forEach(batch, minimumPerThread: 4) { samples in
            let planes = UnsafeMutablePointer<Float>.allocate(capacity: phases.size)
            planes.initialize(repeating: 0, count: phases.size)
            defer { planes.deallocate() }
            im2col(input, batch: batch, samples: samples, layout: layout, prologue: prologue,
                   phases: phases, planes: planes, into: patches)
        }
    }

    private func im2col(_ input: UnsafePointer<Float>, batch: Int, samples: Range<Int>, layout: BatchPlanes,
                        prologue: PlanePrologue?, phases: PhasePlanes, planes: UnsafeMutablePointer<Float>,
                        into patches: UnsafeMutablePointer<Float>) {
        let rowStride = batch &* positions
        let (height, width, kernel, stride, channels) = (height, width, kernel, stride, channels)
        let (outputHeight, outputWidth, positions) = (outputHeight, outputWidth, positions)
        let (pitch, planeSize, origin) = (phases.pitch, phases.planeSize, phases.origin)
        phases.rowTaps.withUnsafeBufferPointer { rowTaps in
        phases.columnTaps.withUnsafeBufferPointer { columnTaps in
            for b in samples {
                for c in 0..<channels {
                    let offset = layout.offset(sample: b, channel: c)
                    prologue?.run(sample: b, channel: c, offset: offset)
                    phases.split(input + offset, height: height, width: width, into: planes)
                    for ky in 0..<kernel {
                        let (py, dy) = rowTaps[ky]
                        for kx in 0..<kernel {
                            let (px, dx) = columnTaps[kx]
                            let tap = (c &* kernel &+ ky) &* kernel &+ kx
                            let destination = patches + (tap &* rowStride &+ b &* positions)
                            let source = planes + ((py &* stride &+ px) &* planeSize &+ origin &+ dy &* pitch &+ dx)
                            var oy = 0
                            if outputWidth < 8 {
                                // Narrow rows: eight values each, the extra ones landing on the
                                // rows after, which are written next — as long as they stay
                                // inside the block.
                                while oy &* outputWidth &+ 8 <= positions {
                                    RowKernels.store(RowKernels.load8(source + oy &* pitch), destination + oy &* outputWidth)
                                    oy &+= 1
                                }
                            }
                            while oy < outputHeight {
                                RowKernels.copy(destination + oy &* outputWidth, source + oy &* pitch, count: outputWidth)
                                oy &+= 1
                            }
                        }
                    }
                }
            }
        }
        }
    }
}

extension ConvolutionGeometry {
    /// Adds the patch matrix `patches` (`taps × (batch · positions)`) back onto `batch` images:
    /// every tap's value is accumulated into the pixel it was read from; padding taps are dropped.
    ///
    /// Each image channel is summed in its phase planes, which start at zero or at `bias[c]`:
    /// tap after tap in `(ky, kx)` order, each patch row is added onto one phase-plane row
    /// eight values at a time, so every pixel gets its bias and then its taps in that fixed
    /// order. A tap's values for positions whose pixel is padding land on the planes' border,
    /// which is dropped when the planes are interleaved back into the channel; then the
    /// channel goes through `activation` while it is in cache.
    ///
    /// The last vector of a row reads up to seven values past it, with those lanes cleared:
    /// `patches` must lie in a `ScratchBuffer`, whose margin covers the end of the last row.
    ///
    /// - Parameter layout: where the output's planes go; by default rows of samples.
    func col2im(_ patches: UnsafePointer<Float>, batch: Int, bias: UnsafePointer<Float>? = nil,
                activation: Activation = .identity, into output: UnsafeMutablePointer<Float>,
                layout: BatchPlanes? = nil, context: ComputeContext) {
        let layout = layout ?? .samples(channels: channels, plane: height * width)
        let phases = PhasePlanes(self)
        context.forEach(batch, minimumPerThread: 4) { samples in
            let planes = UnsafeMutablePointer<Float>.allocate(capacity: phases.size)
            planes.initialize(repeating: 0, count: phases.size)
            defer { planes.deallocate() }
            col2im(patches, batch: batch, samples: samples, bias: bias, activation: activation,
                   phases: phases, planes: planes, into: output, layout: layout)
        }
    }

    private func col2im(_ patches: UnsafePointer<Float>, batch: Int, samples: Range<Int>, bias: UnsafePointer<Float>?,
                        activation: Activation, phases: PhasePlanes, planes: UnsafeMutablePointer<Float>,
                        into output: UnsafeMutablePointer<Float>, layout: BatchPlanes) {
        typealias V = SIMD8<Float>
        let rowStride = batch &* positions
        let (height, width, kernel, stride, channels) = (height, width, kernel, stride, channels)
        let (outputHeight, outputWidth, positions) = (outputHeight, outputWidth, positions)
        let (pitch, planeSize, origin) = (phases.pitch, phases.planeSize, phases.origin)
        let plane = height &* width
        // The lanes of a row's last vector that lie past the row.
        let fullVectors = outputWidth / 8, tail = outputWidth % 8
        let pastRow = V(0, 1, 2, 3, 4, 5, 6, 7) .>= V(repeating: Float(tail))
        let allPlanes = stride &* stride &* planeSize
        phases.rowTaps.withUnsafeBufferPointer { rowTaps in
        phases.columnTaps.withUnsafeBufferPointer { columnTaps in
            for b in samples {
                for c in 0..<channels {
                    planes.update(repeating: bias?[c] ?? 0, count: allPlanes)
                    for ky in 0..<kernel {
                        let (py, dy) = rowTaps[ky]
                        for kx in 0..<kernel {
                            let (px, dx) = columnTaps[kx]
                            let tap = (c &* kernel &+ ky) &* kernel &+ kx
                            var source = patches + (tap &* rowStride &+ b &* positions)
                            var target = planes + ((py &* stride &+ px) &* planeSize &+ origin &+ dy &* pitch &+ dx)
                            for _ in 0..<outputHeight {
                                for v in 0..<fullVectors {
                                    let at = v &* 8
                                    RowKernels.store(RowKernels.load8(target + at) + RowKernels.load8(source + at), target + at)
                                }
                                if tail > 0 {
                                    let at = fullVectors &* 8
                                    let values = RowKernels.load8(source + at).replacing(with: 0, where: pastRow)
                                    RowKernels.store(RowKernels.load8(target + at) + values, target + at)
                                }
                                source += outputWidth
                                target += pitch
                            }
                        }
                    }
                    let channel = output + layout.offset(sample: b, channel: c)
                    phases.merge(planes, into: channel, height: height, width: width)
                    activation.apply(channel, count: plane)
                }
            }
        }
        }
    }
}
