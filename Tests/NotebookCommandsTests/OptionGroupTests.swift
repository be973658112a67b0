import ArgumentParser
import NotebookCommands
import Testing

/// Each option group parsed on its own: defaults, and the checks it declares once for every command.
@Suite struct OptionGroupTests {
    /// A group's parse error as ArgumentParser words it (without the "Error: " prefix).
    func rejection<Group: ParsableArguments>(_ group: Group.Type, _ arguments: [String]) -> String? {
        do {
            _ = try group.parse(arguments)
            return nil
        } catch {
            return group.message(for: error)
        }
    }

    @Test(arguments: [0, 65, 1000])
    func threadsOutsideOneToSixtyFourAreRejected(threads: Int) {
        let expected = "--threads must be between 1 and 64, got \(threads)"
        #expect(rejection(RunnerOptions<FixedThreads>.self, ["--threads", String(threads)]) == expected)
        #expect(rejection(RunnerOptions<RecordedThreads>.self, ["--threads", String(threads)]) == expected)
    }

    @Test(arguments: [1, 2, 64])
    func threadsInRangeAreKept(threads: Int) throws {
        #expect(try RunnerOptions<FixedThreads>.parse(["--threads", String(threads)]).threadCount == threads)
        #expect(try RunnerOptions<RecordedThreads>.parse(["--threads", String(threads)]).threads == threads)
    }

    @Test func threadsDefaultToTwoOrToTheRecord() throws {
        let fixed = try RunnerOptions<FixedThreads>.parse([])
        #expect(fixed.threadCount == 2 && fixed.threads == nil && !fixed.quiet)
        // check leaves it open until it has read the record.
        #expect(try RunnerOptions<RecordedThreads>.parse([]).threads == nil)
        #expect(try RunnerOptions<FixedThreads>.parse(["-q"]).quiet)
        #expect(try RunnerOptions<RecordedThreads>.parse(["--quiet"]).quiet)
    }

    @Test func aParameterGivenTwiceIsRejected() {
        #expect(rejection(ParameterOptions.self, ["-p", "a=1", "-p", "a=2"]) == "-p a is given twice")
        #expect(rejection(ParameterOptions.self, ["--param", "a=1", "-p", "a=1"]) == "-p a is given twice")
    }

    @Test func aParameterWithoutNameAndValueIsRejected() {
        #expect(rejection(ParameterOptions.self, ["-p", "novalue"]) == "-p expects name=value, got 'novalue'")
        #expect(rejection(ParameterOptions.self, ["-p", "=1"]) == "-p expects name=value, got '=1'")
        #expect(rejection(ParameterOptions.self, ["-p", "a="]) == "-p a= needs a value")
    }

    @Test func parametersBecomeOverrides() throws {
        let options = try ParameterOptions.parse(["-p", "epochs=3", "--param", "note=a=b"])
        #expect(try options.overrides() == ["epochs": "3", "note": "a=b"])
        #expect(try ParameterOptions.parse([]).overrides() == [:])
    }

    @Test func outputDefaultsToSite() throws {
        #expect(try SiteOptions.parse([]).output == "site")
        #expect(try SiteOptions.parse(["--output", "public"]).output == "public")
    }

    /// The groups' checks hold in every command that composes them, with ArgumentParser's usage text.
    @Test(arguments: [
        (["run", "a.md", "--threads", "0"], "Error: --threads must be between 1 and 64, got 0"),
        (["check", "a.md", "--threads", "65"], "Error: --threads must be between 1 and 64, got 65"),
        (["build", "notebooks", "--threads", "0"], "Error: --threads must be between 1 and 64, got 0"),
        (["run", "a.md", "-p", "a=1", "-p", "a=2"], "Error: -p a is given twice"),
        (["run", "a.md", "-p", "novalue"], "Error: -p expects name=value, got 'novalue'"),
    ])
    func everyCommandRejectsTheSameWay(arguments: [String], firstLine: String) {
        let outcome = NotebookCommand.execute(arguments)
        #expect(outcome.exitCode == 2)
        #expect(outcome.message.split(separator: "\n").first.map(String.init) == firstLine)
        #expect(outcome.message.contains("Usage: notebook \(arguments[0])"))
        #expect(outcome.output == "")
    }
}
