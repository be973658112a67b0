/// How a batch lies in a matrix's storage.
///
/// A batch matrix has one logical row per sample and one column per feature (`rows` is the
/// batch size). Where each value lies differs by layout, and the layers between them agree
/// on one: each layer says which layouts it takes and gives (`Layer.inputLayouts`,
/// `Layer.outputLayouts(from:)`), `Sequential` picks for every pair of neighbours the first
/// layout the first gives that the second takes, and the matrix carries its layout, so a
/// layer handed the wrong one stops rather than reading values from the wrong places.
/// Every layer takes and gives `.sampleRows`, so any two layers can follow each other.
public enum BatchLayout: Hashable, Sendable, CustomStringConvertible {
    /// One row of storage per sample, `batch × features`: value `(sample, feature)` at
    /// `sample · features + feature`. What data loading writes and figures read.
    case sampleRows
    /// One row of storage per feature, `features × batch` (the storage of `Xᵀ`): value
    /// `(sample, feature)` at `feature · batch + sample`. Dense layers exchange their
    /// activations this way: a thread's stripe of features is then one run of memory.
    case featureRows
    /// One row of storage per image channel across the batch, `[channel][sample][position]`
    /// for images of `channels` planes of `plane` values: the layout a convolution's products
    /// work in, which adjacent convolution layers exchange directly.
    case channelRows(channels: Int, plane: Int)

    public var description: String {
        switch self {
        case .sampleRows: return "sample rows"
        case .featureRows: return "feature rows"
        case .channelRows(let channels, let plane): return "channel rows (\(channels) × \(plane))"
        }
    }
}
