/// Float storage that starts on a cache line.
///
/// Threads own stripes of a matrix's columns whose edges fall on multiples of 16 floats
/// (`GemmPartition`), that is on 64-byte boundaries within each row. With rows that start on
/// a cache line too, no line holds values of two stripes, and two threads writing their own
/// stripes never write the same line. (From `malloc`'s 16-byte alignment, every row of a
/// dense layer's weights would share a line between the threads, and each of those lines
/// would cross between the cores twice a step.)
enum CacheLineStorage {
    static let alignment = 64

    /// Uninitialized storage for `count` floats, freed with `deallocate()`.
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: alignment)
            .bindMemory(to: Float.self, capacity: max(count, 1))
    }
}
