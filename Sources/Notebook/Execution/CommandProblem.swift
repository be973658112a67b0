/// A command that cannot do what it was asked with the data it met at run time (the
/// compiler cannot know how many test images a dataset has); reported at the command's line.
struct CommandProblem: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
