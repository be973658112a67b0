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
