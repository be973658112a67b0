/// Seconds each layer of a model spent in its forward and backward passes, and the products
/// each made: `vae-bench --layers`' table, filled by `Sequential` when a context carries one.
public final class LayerProfile: @unchecked Sendable {
    /// One layer's totals, keyed by the network and the layer's position in it.
    public struct Entry: Sendable {
        public let network: String
        public let position: Int
        public let kind: String
        public var forwardSeconds = 0.0
        public var backwardSeconds = 0.0
        /// The products of its forward and backward passes, in the order of the first step.
        public var shapes: [BLAS.GemmShape] = []
        /// Seconds inside its products (with their epilogues), as they ran in the passes.
        public var productSeconds = 0.0
        /// Forward and backward passes timed.
        public var passes = 0
    }

    /// Entries in the order the layers first ran.
    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]
    /// Whether the layers' products are still being collected (the first step only).
    private var collecting: Set<String> = []

    public init() {}

    /// Adds a pass of `seconds` to the layer, and, on its first forward and backward, the
    /// products it made.
    func add(network: String, position: Int, kind: String, backward: Bool, seconds: Double,
             shapes: ArraySlice<BLAS.GemmShape>, productSeconds: Double) {
        let key = "\(network)#\(position)"
        let at: Int
        if let existing = index[key] {
            at = existing
        } else {
            at = entries.count
            index[key] = at
            entries.append(Entry(network: network, position: position, kind: kind))
            collecting.insert(key)
        }
        if backward { entries[at].backwardSeconds += seconds } else { entries[at].forwardSeconds += seconds }
        entries[at].passes += 1
        entries[at].productSeconds += productSeconds
        if collecting.contains(key) {
            entries[at].shapes.append(contentsOf: shapes)
            if backward { collecting.remove(key) }
        }
    }
}
