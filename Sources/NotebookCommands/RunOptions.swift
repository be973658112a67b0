import ArgumentParser
import Foundation
import NotebookResults
import Notebook

/// Options shared by the commands that run notebooks.
struct RunOptions: ParsableArguments {
    @Option(name: [.customShort("p"), .customLong("param")],
            help: ArgumentHelp("Override a parameter declared with 'param'.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(name: .customLong("output"), help: "The site folder to write.")
    var output: String = "site"

    @Option(name: .customLong("threads"),
            help: "Threads for the matrix products and the passes between them. Results are bit-identical only for the same count, so it is fixed, not 'all cores'.")
    var threads: Int = 2

    @Flag(name: .shortAndLong, help: "Print no progress.")
    var quiet = false

    func validate() throws {
        guard (1...64).contains(threads) else {
            throw ValidationError("--threads must be between 1 and 64, got \(threads)")
        }
        _ = try overrides()
    }

    /// `-p name=value` pairs as a dictionary; a malformed or repeated pair is a usage error.
    func overrides() throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in parameters {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("-p expects name=value, got '\(pair)'")
            }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            guard !value.isEmpty else { throw ValidationError("-p \(name)= needs a value") }
            guard result[name] == nil else { throw ValidationError("-p \(name) is given twice") }
            result[name] = value
        }
        return result
    }
}
