/// What `check` needs to know of a notebook besides its results: where each runnable
/// block is, and how far a re-run of it may drift from the record.
public struct CheckPlan: Sendable, Equatable, Codable {
    /// The notebook file, as given on the command line.
    public var notebookPath: String
    /// The notebook's tolerance (front matter `check:`), for what belongs to no block.
    public var tolerance: CheckTolerance
    /// The runnable blocks in reading order.
    public var blocks: [Block]

    public struct Block: Sendable, Equatable, Codable {
        /// Where the block's opening fence is.
        public var location: SourceLocation
        /// The notebook's tolerance with the block's own attributes applied.
        public var tolerance: CheckTolerance

        public init(location: SourceLocation, tolerance: CheckTolerance) {
            self.location = location
            self.tolerance = tolerance
        }
    }

    public init(notebookPath: String, tolerance: CheckTolerance = .default, blocks: [Block]) {
        self.notebookPath = notebookPath
        self.tolerance = tolerance
        self.blocks = blocks
    }

    /// The location of runnable block `number` (1-based), or the notebook's first line.
    public func location(ofBlock number: Int) -> SourceLocation {
        let index = number - 1
        return blocks.indices.contains(index) ? blocks[index].location
            : SourceLocation(file: notebookPath, line: 1, column: 1)
    }

    /// The tolerance of runnable block `number` (1-based), or the notebook's.
    public func tolerance(ofBlock number: Int) -> CheckTolerance {
        let index = number - 1
        return blocks.indices.contains(index) ? blocks[index].tolerance : tolerance
    }
}
