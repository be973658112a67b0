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
