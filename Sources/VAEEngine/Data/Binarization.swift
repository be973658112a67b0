/// How grey-scale pixels are turned into the 0/1 targets a Bernoulli decoder models.
///
/// - `none`: pixels stay intensities in 0...1 (the PyTorch and Keras tutorials).
/// - `threshold(t)`: once, when the data is loaded, a pixel becomes 1 when `pixel / 255 > t` and
///   0 otherwise — the TF convolutional VAE tutorial's `np.where(images > .5, 1.0, 0.0)`.
///   See `Binarization.binarized(_:threshold:)`.
/// - `dynamic`: every time a batch is loaded, a pixel `p` becomes 1 with probability `p / 255`,
///   drawn from a `RandomStream`, so each epoch sees fresh samples (the "dynamically binarized
///   MNIST" of the VAE literature). See `sampleBernoulli(_:count:stream:)`.
public enum Binarization: Sendable, Equatable, Codable {
    case none
    case threshold(Float)
    case dynamic

    /// The dataset as training should hold it: thresholded for `.threshold`, unchanged for
    /// `.none` and `.dynamic` (dynamic binarization happens per batch).
    public func applied(to dataset: ImageDataset) -> ImageDataset {
        switch self {
        case .none, .dynamic: return dataset
        case .threshold(let threshold): return Self.binarized(dataset, threshold: threshold)
        }
    }

    /// The dataset with every byte set to 255 where `byte / 255 > threshold`, else 0;
    /// name, labels and class names are kept.
    public static func binarized(_ dataset: ImageDataset, threshold: Float) -> ImageDataset {
        var result = dataset
        result.pixels = dataset.pixels.map { Float($0) / 255 > threshold ? 255 : 0 }
        return result
    }

    /// Replaces each of `count` values in 0...1 at `values` by 1 with probability equal to the value,
    /// else by 0: one `stream.nextUniform()` draw `u` per value, in order, and the result is
    /// `u < value ? 1 : 0`. Values ≤ 0 (and NaN) always give 0, values ≥ 1 always give 1, and the
    /// stream advances by exactly `count` draws whatever the values, so the draws of later batches
    /// do not depend on the pixels of earlier ones.
    public static func sampleBernoulli(_ values: UnsafeMutablePointer<Float>, count: Int,
                                       stream: inout RandomStream) {
        precondition(count >= 0, "a negative value count")
        for index in 0..<count {
            values[index] = stream.nextUniform() < values[index] ? 1 : 0
        }
    }
}
