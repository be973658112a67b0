import Notebook
import Testing

/// When diagnostics are coloured, and what colour does to their text.
@Suite struct DiagnosticColourTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var environment: [String: String]
        var terminal: Bool
        var colour: Bool
        var testDescription: String { "\(environment.sorted { $0.key < $1.key }) terminal=\(terminal) → \(colour)" }
    }

    static let cases: [Case] = [
        Case(environment: [:], terminal: true, colour: true),
        Case(environment: [:], terminal: false, colour: false),
        Case(environment: ["TERM": "xterm-256color"], terminal: true, colour: true),
        Case(environment: ["TERM": "dumb"], terminal: true, colour: false),
        Case(environment: ["NO_COLOR": "1"], terminal: true, colour: false),
        Case(environment: ["NO_COLOR": "0"], terminal: true, colour: false),
        Case(environment: ["NO_COLOR": "false"], terminal: true, colour: false),
        Case(environment: ["NO_COLOR": ""], terminal: true, colour: true),
        Case(environment: ["FORCE_COLOR": "1"], terminal: false, colour: true),
        Case(environment: ["FORCE_COLOR": "true"], terminal: false, colour: true),
        Case(environment: ["FORCE_COLOR": "3"], terminal: false, colour: true),
        Case(environment: ["FORCE_COLOR": "1", "TERM": "dumb"], terminal: true, colour: true),
        Case(environment: ["FORCE_COLOR": "0"], terminal: true, colour: false),
        Case(environment: ["FORCE_COLOR": "false"], terminal: true, colour: false),
        Case(environment: ["FORCE_COLOR": ""], terminal: false, colour: false),
        Case(environment: ["NO_COLOR": "1", "FORCE_COLOR": "1"], terminal: true, colour: false),
        Case(environment: ["NO_COLOR": "1", "FORCE_COLOR": "1"], terminal: false, colour: false),
    ]

    @Test("NO_COLOR, FORCE_COLOR, TERM and the terminal decide colour", arguments: cases)
    func decision(_ test: Case) {
        #expect(DiagnosticColour.isEnabled(environment: test.environment, standardErrorIsTerminal: test.terminal) == test.colour)
    }

    @Test func colourMarksLabelsAndCaretsOnly() {
        let plain = """
            nb.md:7:3: error: unknown command 'trian' (did you mean 'train'?)
                trian epochs=2
                ^~~~~
            nb.md:8:1: warning: something
            error: internal error: x
            1 error in nb.md
            """
        let red = "\u{1B}[1;31m", green = "\u{1B}[1;32m", magenta = "\u{1B}[1;35m", reset = "\u{1B}[0m"
        #expect(DiagnosticColour.colour(plain) == """
            nb.md:7:3: \(red)error:\(reset) unknown command 'trian' (did you mean 'train'?)
                trian epochs=2
                \(green)^~~~~\(reset)
            nb.md:8:1: \(magenta)warning:\(reset) something
            \(red)error:\(reset) internal error: x
            1 error in nb.md
            """)
    }
}
