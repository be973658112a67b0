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
        // reaches every row and column a tap reads, from its lowest shift to the last output
        // plus its highest.
        let rowLow = min(0, rowTaps.map(\.shift).min()!)
        let rowHigh = max((geometry.height + s - 1) / s, geometry.outputHeight + rowTaps.map(\.shift).max()!)
        let columnLow = min(0, columnTaps.map(\.shift).min()!)
        let columnHigh = max((geometry.width + s - 1) / s, geometry.outputWidth + columnTaps.map(\.shift).max()!)
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
        let s = stride, pitch = pitch
        // Image row `y` is row `phaseRowIndex` of the planes `(phase, 0..<s)`; counted, not divided.
        var phase = 0, phaseRowIndex = 0
        for y in 0..<height {
            defer {
                phase &+= 1
                if phase == s { phase = 0; phaseRowIndex &+= 1 }
            }
            let row = channel + y &* width
            let phaseRow = planes + (phase &* s &* planeSize &+ origin &+ phaseRowIndex &* pitch)
            switch s {
            case 1:
                RowKernels.copy(phaseRow, row, count: width)
            case 2:
                Self.splitEvenOdd(row, count: width, even: phaseRow, odd: phaseRow + planeSize)
            default:
                for x in 0..<width { phaseRow[(x % s) &* planeSize &+ x / s] = row[x] }
            }
        }
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
    func im2col(_ input: UnsafePointer<Float>, batch: Int, into patches: UnsafeMutablePointer<Float>) {
        let phases = PhasePlanes(self)
        ParallelRanges.forEach(batch, minimumPerThread: 4) { samples in
            let planes = UnsafeMutablePointer<Float>.allocate(capacity: phases.size)
            planes.initialize(repeating: 0, count: phases.size)
            defer { planes.deallocate() }
            im2col(input, batch: batch, samples: samples, phases: phases, planes: planes, into: patches)
        }
    }

    private func im2col(_ input: UnsafePointer<Float>, batch: Int, samples: Range<Int>, phases: PhasePlanes,
                        planes: UnsafeMutablePointer<Float>, into patches: UnsafeMutablePointer<Float>) {
        let rowStride = batch &* positions
        let (height, width, kernel, stride, channels) = (height, width, kernel, stride, channels)
        let (outputHeight, outputWidth, positions) = (outputHeight, outputWidth, positions)
        let (pitch, planeSize, origin) = (phases.pitch, phases.planeSize, phases.origin)
        let plane = height &* width, imageSize = channels &* plane
        phases.rowTaps.withUnsafeBufferPointer { rowTaps in
        phases.columnTaps.withUnsafeBufferPointer { columnTaps in
            for b in samples {
                let image = input + b &* imageSize
                for c in 0..<channels {
                    phases.split(image + c &* plane, height: height, width: width, into: planes)
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
