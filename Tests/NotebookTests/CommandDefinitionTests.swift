import Foundation
import Notebook
import NotebookResults
import Testing
import TestSupport

// Nested in the compiler's suite so it runs wherever the compiler's tests do.
extension NotebookCompilerTests {
    /// Every registered command: its schema's defaults are what it builds, and its example compiles.
    @Suite struct CommandDefinitions {
        /// What a command's line may need before it: a seed, data, two trained 2-D models and a checkpoint.
        static let prelude = """
            seed 1
            data fashion-mnist train=100
            model mlp encoder=[8] latent=2 decoder=[8] name=beta1
            train epochs=1
            model mlp encoder=[8] latent=2 decoder=[8] name=beta4
            train epochs=1 beta=4
            save weights vae.ckpt
            """

        /// The command `line` compiles to after the prelude (alone for `param` and `seed`, which come first).
        static func command(_ line: String) throws -> (any Command)? {
            let first = line.split(separator: " ").first.map(String.init) ?? ""
            let body = ["param", "seed"].contains(first) ? line : prelude + "\n" + line
            return try compiled(body).blocks.last?.commands.last?.command
        }

        /// `body` compiled as a notebook in a folder that holds the data files it names.
        static func compiled(_ body: String) throws -> NotebookProgram {
            let markdown = "```swift-vae\n\(body)\n```\n"
            let folder = try DatasetFileWriter.folder(forExamplesIn: body)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("nb.md").path
            return try NotebookCompiler.compile(MarkdownParser.parse(markdown, path: path), source: markdown)
        }

        /// Lines, without the argument, for defaults that apply only with another choice; the
        /// schema's example is used for all others.
        static let conditionalLines: [String: String] = [
            "data threshold": "data mnist binarize=static",
            "data idx threshold": "data idx train-images=a.gz train-labels=b.gz test-images=c.gz test-labels=d.gz binarize=static",
            "data npy threshold": "data npy train-images=a.npy train-labels=b.npy test-images=c.npy test-labels=d.npy binarize=static",
            "train momentum": "train epochs=1 optimizer=sgd",
            "model kernel": "model conv encoder=[32,64] latent=50 decoder=[64,32]",
            "model stride": "model conv encoder=[32,64] latent=50 decoder=[64,32]",
        ]

        /// One argument with a default value, for a parameterized test.
        struct Defaulted: CustomTestStringConvertible, Sendable {
            var schema: CommandSchema
            var argument: ArgumentSchema
            var value: String
            var testDescription: String { "\(schema.name) \(argument.name)=\(value)" }
        }

        static let defaulted: [Defaulted] = CommandSchema.all.flatMap { schema in
            (schema.positionals + schema.options).compactMap { argument in
                guard case .value(let value) = argument.omitted else { return nil }
                return Defaulted(schema: schema, argument: argument, value: value)
            }
        }

        /// The line with `defaulted`'s argument left out, and the same line with its default written.
        static func lines(for defaulted: Defaulted) -> (omitted: String, written: String) {
            let schema = defaulted.schema, argument = defaulted.argument
            let base = conditionalLines["\(schema.name) \(argument.name)"] ?? schema.example
            let words = base.split(separator: " ").map(String.init)
            let nameWords = Array(words.prefix(schema.words.count))
            let positionals = words.dropFirst(schema.words.count).filter { !$0.contains("=") }
            let options = words.dropFirst(schema.words.count).filter { $0.contains("=") }
            if let index = schema.positionals.firstIndex(of: argument) {
                // Later positionals go too: a positional can be left out only from the end.
                let before = Array(positionals.prefix(index))
                return ((nameWords + before + options).joined(separator: " "),
                        (nameWords + before + [defaulted.value] + options).joined(separator: " "))
            }
            let others = options.filter { !$0.hasPrefix(argument.name + "=") }
            let omitted = (nameWords + positionals + others).joined(separator: " ")
            return (omitted, omitted + " \(argument.name)=\(defaulted.value)")
        }

        @Test func everyCommandWithArgumentsHasDefaultsToCheck() {
            // Guards the parameterized test below against checking nothing.
            #expect(Self.defaulted.count >= 20)
        }

        @Test("a left-out argument builds the schema's default", arguments: defaulted)
        func leftOutArgumentBuildsTheSchemaDefault(_ defaulted: Defaulted) throws {
            let (omitted, written) = Self.lines(for: defaulted)
            #expect(omitted != written)
            let built = try Self.command(omitted)
            let explicit = try Self.command(written)
            #expect(built != nil)
            let same = built.map { built in explicit.map { built.isEqual(to: $0) } ?? false } ?? false
            #expect(same, "'\(omitted)' must build what '\(written)' builds")
        }

        /// `all` or `—` in the reference means "left out"; written out it must be rejected, so it
        /// cannot become a second, hidden default.
        @Test func absentDefaultsAreReferenceWordsNotValues() {
            for schema in CommandSchema.all {
                for argument in schema.positionals + schema.options {
                    guard case .absent(let word) = argument.omitted else { continue }
                    let line: String
                    if schema.positionals.count == 1, schema.positionals[0] == argument {
                        // The one positional, written as the reference's word in its place.
                        let options = schema.example.split(separator: " ").filter { $0.contains("=") }.map(String.init)
                        line = ([schema.name, word] + options).joined(separator: " ")
                    } else {
                        let others = schema.example.split(separator: " ").filter { !$0.hasPrefix(argument.name + "=") }
                        line = others.joined(separator: " ") + " \(argument.name)=\(word)"
                    }
                    do {
                        _ = try Self.command(line)
                        Issue.record("'\(line)' compiles")
                    } catch let errors as NotebookErrors {
                        #expect(errors.diagnostics.map(\.message).contains { $0.hasSuffix("found '\(word)'") }, "\(errors)")
                    } catch {
                        Issue.record("'\(line)': \(error)")
                    }
                }
            }
        }

        @Test func everySchemasExampleCompilesToItsOwnCommand() throws {
            for schema in CommandSchema.all {
                #expect(schema.example.hasPrefix(schema.name), "the example of '\(schema.name)' shows another command")
                #expect(!schema.example.contains("\n"), "the example of '\(schema.name)' is one line")
                do {
                    #expect(try Self.command(schema.example) != nil)
                } catch {
                    Issue.record("the example of '\(schema.name)' does not compile: \(error)")
                }
            }
        }

        @Test func commandNamesAreUnique() {
            let names = CommandSchema.all.map(\.name)
            #expect(Set(names).count == names.count)
        }

        /// Prerequisites are checked before a command's own rules, so a command alone reports
        /// at most what it needs, on the whole command.
        @Test func aCommandAloneReportsOnlyWhatItNeeds() {
            let needs = ["needs a model; add a 'model' command before it", "needs data; add a 'data' command before it",
                         "needs a 'train' command before it"]
            for schema in CommandSchema.all {
                do {
                    _ = try Self.compiled(schema.example)
                } catch let errors as NotebookErrors {
                    #expect(errors.diagnostics.count == 1)
                    let message = errors.diagnostics.first?.message ?? ""
                    #expect(needs.contains { message == "'\(schema.name)' \($0)" }, "\(schema.name): \(message)")
                    #expect(errors.diagnostics.first?.location.column == 1)
                } catch {
                    Issue.record("\(schema.name): \(error)")
                }
            }
        }
    }
}
