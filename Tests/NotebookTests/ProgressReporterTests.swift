import Foundation
import Notebook
import NotebookResults
import Testing
import VAEEngine

/// What the progress reporter writes in each mode, driven with made-up training events.
@Suite struct ProgressReporterTests {
    /// Collects everything a reporter writes, in order.
    final class Transcript {
        var writes: [String] = []
        var text: String { writes.joined() }
    }

    static func reporter(_ style: ProgressReporter.Style) -> (ProgressReporter, Transcript) {
        let transcript = Transcript()
        return (ProgressReporter(style: style) { transcript.writes.append($0) }, transcript)
    }

    /// Step `step` of 4 in epoch `epoch` of 2, after `elapsed` seconds of this training block.
    static func progress(epoch: Int, step: Int, loss: Double, elapsed: Double) -> TrainingProgress {
        TrainingProgress(epoch: epoch, epochsInPlan: 2, epochInPlan: epoch, step: (epoch - 1) * 4 + step,
                         stepsPerEpoch: 4, stepInEpoch: step, runningLoss: loss, elapsed: elapsed)
    }

    static func epochRecord(_ epoch: Int, train: Double, test: Double?) -> EpochRecord {
        EpochRecord(epoch: epoch, steps: epoch * 4, train: train, trainReconstruction: train - 20, trainKL: 20,
                    test: test, testReconstruction: test.map { $0 - 20 }, testKL: test.map { _ in 20 }, seconds: 1.5)
    }

    static let block = SourceLocation(file: "vae.md", line: 7, column: 1)

    /// One training block of two epochs: the first and last step of each epoch, then its losses.
    static func drive(_ reporter: ProgressReporter) {
        reporter.blockStarted(block, index: 1, of: 2)
        reporter.step(progress(epoch: 1, step: 1, loss: 540.25, elapsed: 2))
        reporter.step(progress(epoch: 1, step: 4, loss: 301.5, elapsed: 8))
        reporter.epoch(epochRecord(1, train: 301.5, test: 280.125), epochInPlan: 1, of: 2)
        reporter.step(progress(epoch: 2, step: 4, loss: 250, elapsed: 16))
        reporter.epoch(epochRecord(2, train: 250, test: nil), epochInPlan: 2, of: 2)
    }

    @Test func liveLineIsRewrittenInPlaceWithEpochStepLossAndETA() throws {
        let (reporter, transcript) = Self.reporter(.live)
        Self.drive(reporter)
        let writes = transcript.writes
        #expect(writes.first == "[1/2] vae.md:7:1\n")

        let liveLines = writes.filter { $0.hasPrefix("\r") && !$0.hasSuffix("\r") }
        // Step 1 of 8 after 2 s leaves 7 steps: 14 s. Step 4 of 8 after 8 s: 8 s.
        #expect(liveLines.count == 3)
        #expect(liveLines.first == "\r  epoch 1/2  step 1/4  loss 540.250  ETA 14s")
        #expect(liveLines.dropFirst().first?.hasPrefix("\r  epoch 1/2  step 4/4  loss 301.500  ETA 8s") == true)
        #expect(liveLines.last?.hasPrefix("\r  epoch 2/2  step 4/4  loss 250.000  ETA 0s") == true)
        // A live line never ends the terminal line: the next write returns over it.
        #expect(liveLines.allSatisfy { !$0.contains("\n") })

        // At the end of an epoch the live line is blanked and the epoch's losses are logged.
        let clearIndex = try #require(writes.firstIndex { $0.hasPrefix("\r ") && $0.hasSuffix("\r") })
        #expect(writes[clearIndex].trimmingCharacters(in: CharacterSet(charactersIn: " \r")).isEmpty)
        #expect(writes[clearIndex + 1] == "  epoch 1/2  −ELBO train 301.500  test 280.125  (1.5 s)\n")
        #expect(writes.last == "  epoch 2/2  −ELBO train 250.000  (1.5 s)\n")
    }

    @Test func aShorterLiveLineCoversTheLongerOneBeforeIt() {
        let (reporter, transcript) = Self.reporter(.live)
        reporter.step(Self.progress(epoch: 1, step: 1, loss: 123_456.5, elapsed: 1_000))
        reporter.step(Self.progress(epoch: 1, step: 4, loss: 1, elapsed: 1_001))
        #expect(transcript.writes.count == 2)
        // 1000 s for 1 of 8 steps leaves 7000 s, shown in minutes.
        #expect(transcript.writes[0].contains("ETA 116m40s"))
        #expect(transcript.writes[1].count == transcript.writes[0].count)
        #expect(transcript.writes[1].hasSuffix(" "))
    }

    @Test func logOutputIsOnePlainLinePerEpoch() {
        let (reporter, transcript) = Self.reporter(.log)
        Self.drive(reporter)
        #expect(transcript.text == """
            [1/2] vae.md:7:1
              epoch 1/2  −ELBO train 301.500  test 280.125  (1.5 s)
              epoch 2/2  −ELBO train 250.000  (1.5 s)

            """)
        #expect(!transcript.text.contains("\r"))
    }

    @Test func anEpochLineNamesItsModelAndWhatItsNumbersAre() {
        let (reporter, transcript) = Self.reporter(.log)
        reporter.epoch(Self.epochRecord(3, train: 301.5, test: 280.125), epochInPlan: 3, of: 3, model: "beta4",
                       measure: "objective")
        #expect(transcript.text == "  epoch 3/3  beta4  objective train 301.500  test 280.125  (1.5 s)\n")
    }

    @Test func quietWritesNothing() {
        let (reporter, transcript) = Self.reporter(.quiet)
        Self.drive(reporter)
        #expect(transcript.writes.isEmpty)
        #expect(ProgressReporter.automatic(quiet: true).style == .quiet)
    }

    /// A `steps` plan that ends inside an epoch: its line says how much of the epoch ran, so
    /// its losses are not read as a whole epoch's.
    @Test func aPartialLastEpochIsLabelledAsSuch() {
        let partial = PartialEpoch(steps: 30, of: 469)
        let (log, logTranscript) = Self.reporter(.log)
        var record = Self.epochRecord(2, train: 250, test: 240)
        record.partial = partial
        log.epoch(record, epochInPlan: 2, of: 2)
        #expect(logTranscript.text == "  epoch 2/2 (30 of 469 steps)  −ELBO train 250.000  test 240.000  (1.5 s)\n")

        let (live, liveTranscript) = Self.reporter(.live)
        live.step(TrainingProgress(epoch: 2, epochsInPlan: 2, epochInPlan: 2, step: 499, stepsPerEpoch: 30, stepInEpoch: 30,
                                   runningLoss: 250, elapsed: 10, partial: partial))
        #expect(liveTranscript.text.hasPrefix("\r  epoch 2/2 (30 of 469 steps)  step 30/30  loss 250.000"))
    }
}
