import ArgumentParser
import Foundation
import NotebookResults
import Notebook

/// `notebook params vae.md`: the parameters a notebook declares, what `-p` can set, as
/// papermill's `--help-notebook` lists them.
public struct ParamsCommand: ReportingCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "params",
        abstract: "List the parameters a notebook declares, with their defaults, types and positions.",
        discussion: """
            Each 'param name = value' line of the notebook is one parameter; 'notebook run -p name=value' \
            and 'notebook build -p name=value' override it. The notebook is checked first: a notebook with \
            errors lists its errors instead.
            """)

    @Argument(help: "The Markdown notebook.")
    public var notebook: String

    @Flag(help: ArgumentHelp("Print the parameters as JSON: an array of {name, type, default, description, file, line, "
                             + "column}; a description is the '# comment' after its 'param' line, left out when there is none."))
    public var json = false

    /// One declared parameter as listed.
    struct Entry: Codable, Equatable {
        var name: String
        var type: String
        var `default`: String
        /// The `# comment` after the parameter's `param` line.
        var description: String?
        var file: String
        var line: Int?
        var column: Int?

        var position: String { [file, line.map(String.init), column.map(String.init)].compactMap { $0 }.joined(separator: ":") }
    }

    public func execute() throws -> String? {
        // Listing parameters fetches no dataset.
        let program = try NotebookPipeline.compile(notebook, overrides: [:], checkingData: false)
        let entries = Self.entries(of: program)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(entries), as: UTF8.self)
        }
        guard !entries.isEmpty else { return "\(notebook) declares no parameters" }
        let nameWidth = entries.map(\.name.count).max() ?? 0
        let typeWidth = entries.map(\.type.count).max() ?? 0
        let defaultWidth = entries.map(\.default.count).max() ?? 0
        let positionWidth = entries.map(\.position.count).max() ?? 0
        let lines = entries.map { entry in
            "  " + padded(entry.name, nameWidth) + "  " + padded(entry.type, typeWidth) + "  default "
                + padded(entry.default, defaultWidth) + "  "
                + (entry.description.map { padded(entry.position, positionWidth) + "  " + $0 } ?? entry.position)
        }
        return (["Parameters of \(notebook) (set them with -p name=value):"] + lines).joined(separator: "\n")
    }

    /// The program's parameters in declaration order, each with the position of its `param`
    /// line or of its key under the front matter's `params:`.
    static func entries(of program: NotebookProgram) -> [Entry] {
        var locations: [String: SourceLocation] = [:]
        // Parameters declared in the front matter's `params:` are at their key there.
        for entry in program.document.frontMatter.entries where entry.key.hasPrefix("params.") {
            locations[String(entry.key.dropFirst("params.".count))] = entry.keyLocation
        }
        for located in program.blocks.flatMap(\.commands) {
            if let parameter = located.command as? ParameterCommand, locations[parameter.name] == nil {
                locations[parameter.name] = located.location
            }
        }
        return program.parameters.map { parameter in
            let location = locations[parameter.name]
            return Entry(name: parameter.name, type: inferredType(of: parameter.value), default: parameter.value,
                         description: program.parameterDescriptions[parameter.name], file: location?.file ?? program.document.path, line: location?.line, column: location?.column)
        }
    }

    /// The type a value is read as: `integer` (`10`), `number` (`1e-3`, `0.5`), `list` (`[400, 200]`) or `word`.
    static func inferredType(of value: String) -> String {
        if Int(value) != nil { return "integer" }
        if let number = Double(value), number.isFinite { return "number" }
        if value.hasPrefix("[") { return "list" }
        return "word"
    }

    private func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
