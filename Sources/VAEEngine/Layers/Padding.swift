/// How a convolution treats the image border, with TensorFlow's rules.
///
/// `.valid` uses only positions where the kernel fits inside the image;
/// `.same` pads with zeros so the output has `ceil(input / stride)` positions,
/// putting the odd pixel of padding at the bottom and right as TensorFlow does.
public enum Padding: String, Sendable, Codable, CaseIterable {
    case valid
    case same

    /// Output positions of a convolution along one axis of `input` positions.
    public func convolutionOutput(input: Int, kernel: Int, stride: Int) -> Int {
        switch self {
        case .valid: return input >= kernel ? (input - kernel) / stride + 1 : 0
        case .same: return (input + stride - 1) / stride
        }
    }

    /// Zeros added before (top/left) and after (bottom/right) the input along one axis.
    public func convolutionPadding(input: Int, kernel: Int, stride: Int) -> (before: Int, after: Int) {
        switch self {
        case .valid:
            return (0, 0)
        case .same:
            let output = convolutionOutput(input: input, kernel: kernel, stride: stride)
            let total = max((output - 1) * stride + kernel - input, 0)
            return (total / 2, total - total / 2)
        }
    }

    /// Output positions of a transposed convolution along one axis (Keras' `Conv2DTranspose`
    /// without `output_padding`): `input · stride` for `.same`,
    /// `input · stride + max(kernel − stride, 0)` for `.valid` — `(input − 1) · stride + kernel`
    /// whenever the kernel is at least as large as the stride.
    public func transposedOutput(input: Int, kernel: Int, stride: Int) -> Int {
        switch self {
        case .valid: return input * stride + max(kernel - stride, 0)
        case .same: return input * stride
        }
    }
}
