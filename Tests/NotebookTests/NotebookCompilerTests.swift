import Foundation
import Notebook
import NotebookResults
import Testing
import VAEEngine

/// The Language stage on whole notebooks: valid programs, and every error with its exact position.
@Suite struct NotebookCompilerTests {
    static func compile(_ markdown: String, overrides: [String: String] = [:],
                        allowedOutside: [URL] = []) throws -> NotebookProgram {
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        return try NotebookCompiler.compile(document, source: markdown, overrides: overrides, allowedOutside: allowedOutside)
    }

    /// The diagnostics' headlines, or an empty list when the notebook compiles.
    static func errors(_ markdown: String, overrides: [String: String] = [:], allowedOutside: [URL] = []) -> [String] {
        do {
            _ = try compile(markdown, overrides: overrides, allowedOutside: allowedOutside)
            return []
        } catch let errors as NotebookErrors {
            return errors.diagnostics.map(\.headline)
        } catch {
            return ["unexpected: \(error)"]
        }
    }

    static let valid = """
        # Title

        Some prose.

        ```swift-vae
        param epochs = 3   # a comment
        seed 7
        data fashion-mnist train=500 test=100
        model mlp encoder=[64, 32] latent=2 decoder=[32,64] activation=elu init=glorot
        ```

        ```swift-vae
        train epochs=$epochs batch=50 lr=1e-3 optimizer=sgd momentum=0.9 loss=bce-clipped kl=monte-carlo beta=0.5 reduction=mean
        table losses
        plot losses
        show reconstructions 8 from=train
        show samples
        ```
        """

    @Test func validNotebookCompilesToTypedCommands() throws {
        let program = try Self.compile(Self.valid)
        #expect(program.seed == 7)
        #expect(program.blocks.count == 2)
        #expect(program.parameters.map(\.name) == ["epochs"])
        let commands = program.blocks.flatMap(\.commands)
        #expect(commands.map(\.location.description) == [
            "nb.md:6:1", "nb.md:7:1", "nb.md:8:1", "nb.md:9:1",
            "nb.md:13:1", "nb.md:14:1", "nb.md:15:1", "nb.md:16:1", "nb.md:17:1",
        ])
        #expect(commands[2].command as? DataCommand == DataCommand(DataRequest(name: "fashion-mnist", trainCount: 500, testCount: 100)))
        #expect(commands[3].command as? ModelCommand == ModelCommand(
            spec: ModelSpec(encoder: [64, 32], latent: 2, decoder: [32, 64], activation: .elu, initializer: .glorot(.uniform)),
            name: "model-1"))
        #expect(commands[4].command as? TrainCommand == TrainCommand(plan: TrainingPlan(
            epochs: 3, batchSize: 50, optimizer: .sgd(learningRate: 1e-3, momentum: 0.9),
            objective: Objective(reconstruction: .bceClipped, kl: .monteCarlo, beta: 0.5, reduction: .mean))))
        #expect(commands[7].command as? ShowReconstructionsCommand == ShowReconstructionsCommand(count: 8, split: .train))
        #expect(commands[8].command as? ShowSamplesCommand == ShowSamplesCommand(count: 25))
        #expect(commands[4].text.hasPrefix("train epochs=$epochs"))
    }

    @Test func parameterOverrideReplacesTheDeclaredValue() throws {
        let program = try Self.compile(Self.valid, overrides: ["epochs": "1"])
        guard let plan = (program.blocks[1].commands[0].command as? TrainCommand)?.plan else {
            Issue.record("expected a train command")
            return
        }
        #expect(plan.epochs == 1)
        #expect(program.parameters.map(\.value) == ["1"])
    }

    @Test func unknownOverrideIsAUsageError() {
        #expect(throws: ParameterOverrideError.self) {
            try Self.compile(Self.valid, overrides: ["epoch": "1"])
        }
        do {
            _ = try Self.compile(Self.valid, overrides: ["epoch": "1"])
        } catch {
            #expect("\(error)" == "-p epoch: nb.md has no parameter 'epoch' (did you mean 'epochs'?); it declares: epochs")
        }
    }

    @Test func evaluateTakesAnOptionalImportanceSampleCount() throws {
        let program = try Self.compile(Self.block(Self.prelude + "train epochs=1\nevaluate test iwae=50\nevaluate train"))
        let commands = program.blocks[0].commands.map { $0.command as? EvaluateCommand }.suffix(2)
        #expect(Array(commands) == [EvaluateCommand(split: .test, iwae: 50), EvaluateCommand(split: .train, iwae: nil)])
    }

    @Test func modelsAreNamedInOrderAndUseSwitchesBetweenThem() throws {
        let program = try Self.compile(Self.block("""
            seed 1
            data fashion-mnist train=100
            model mlp encoder=[8] latent=2 decoder=[8]
            train epochs=1
            model mlp encoder=[8] latent=4 decoder=[8] name=wide
            train epochs=1 beta=4 warmup=1 shuffle=false
            use model-1
            show manifold range=auto
            show traversal
            show reconstructions 4 sampled=true
            plot losses models=[model-1, wide]
            table models
            """))
        let commands = program.blocks[0].commands.map(\.command)
        #expect((commands[2] as? ModelCommand)?.name == "model-1")
        #expect((commands[4] as? ModelCommand)?.name == "wide")
        let plan = (commands[5] as? TrainCommand)?.plan
        #expect(plan?.warmupEpochs == 1 && plan?.shuffle == false && plan?.objective.beta == 4)
        #expect(commands[6] as? UseCommand == UseCommand(model: "model-1"))
        // `show manifold` checks the current model's latent: model-1's 2, not wide's 4.
        #expect(commands[7] as? ShowManifoldCommand == ShowManifoldCommand(size: 20, range: nil))
        #expect(commands[8] as? ShowTraversalCommand == ShowTraversalCommand(dimensions: nil, steps: 9, range: 3, image: 1))
        #expect(commands[9] as? ShowReconstructionsCommand == ShowReconstructionsCommand(count: 4, split: .test, sampled: true))
        #expect(commands[10] as? PlotLossesCommand == PlotLossesCommand(models: ["model-1", "wide"]))
        #expect(commands[11] as? TableModelsCommand == TableModelsCommand(models: nil))
        #expect(commands.map(\.effect) == [.declaration, .changesSession, .changesSession, .changesSession, .changesSession,
                                           .changesSession, .changesSession] + Array(repeating: .readsSession, count: 5))
    }

    @Test func otherLanguagesAreNotRun() throws {
        let program = try Self.compile("```python\nprint(1)\n```\n\n```swift-vae\nseed 1\n```\n")
        #expect(program.blocks.count == 1)
        #expect(program.blocks[0].blockIndex == 1)
    }

    /// A broken notebook, the exact diagnostics it must produce, and why.
    struct BrokenCase: CustomTestStringConvertible, Sendable {
        var name: String
        var markdown: String
        var expected: [String]
        var testDescription: String { name }
    }

    static func block(_ body: String) -> String { "# T\n\n```swift-vae\n\(body)\n```\n" }
    static let prelude = "seed 1\ndata fashion-mnist train=100\nmodel mlp encoder=[8] latent=2 decoder=[8]\n"

    static let brokenCases: [BrokenCase] = [
        BrokenCase(name: "unknown command with suggestion", markdown: block("trian epochs=1"),
                   expected: ["nb.md:4:1: error: unknown command 'trian' (did you mean 'train'?)"]),
        BrokenCase(name: "unknown command without suggestion", markdown: block("frobnicate"),
                   expected: ["nb.md:4:1: error: unknown command 'frobnicate'"]),
        BrokenCase(name: "unknown option", markdown: block(prelude + "train epochs=1 bacth=10"),
                   expected: ["nb.md:7:16: error: unknown option 'bacth' for 'train' (did you mean 'batch'?); its options are epochs, steps, batch, lr, optimizer, momentum, loss, kl, beta, reduction, warmup, shuffle"]),
        BrokenCase(name: "wrong type", markdown: block(prelude + "train epochs=many"),
                   expected: ["nb.md:7:14: error: 'epochs' of 'train' must be an integer in 1...100000, found 'many'"]),
        BrokenCase(name: "out of range", markdown: block(prelude + "train epochs=0"),
                   expected: ["nb.md:7:14: error: 'epochs' of 'train' must be an integer in 1...100000, found 0"]),
        BrokenCase(name: "no importance samples", markdown: block(prelude + "train epochs=1\nevaluate test iwae=0"),
                   expected: ["nb.md:8:20: error: 'iwae' of 'evaluate' must be an integer in 1...5000, found 0"]),
        BrokenCase(name: "too many importance samples", markdown: block(prelude + "train epochs=1\nevaluate iwae=6000"),
                   expected: ["nb.md:8:15: error: 'iwae' of 'evaluate' must be an integer in 1...5000, found 6000"]),
        BrokenCase(name: "fraction for an integer", markdown: block(prelude + "train epochs=2.5"),
                   expected: ["nb.md:7:14: error: 'epochs' of 'train' must be an integer, found '2.5'"]),
        BrokenCase(name: "negative learning rate", markdown: block(prelude + "train epochs=1 lr=-1"),
                   expected: ["nb.md:7:19: error: 'lr' of 'train' must be a number in 1e-12...10, found -1"]),
        BrokenCase(name: "missing required option", markdown: block(prelude + "train batch=10"),
                   expected: ["nb.md:7:15: error: 'train' needs epochs=… or steps=…"]),
        BrokenCase(name: "epochs and steps together", markdown: block(prelude + "train epochs=1 steps=10"),
                   expected: ["nb.md:7:22: error: give either epochs or steps, not both"]),
        BrokenCase(name: "manifold of a 20-D latent", markdown: block("model mlp encoder=[8] latent=20 decoder=[8]\nshow manifold 10"),
                   expected: ["nb.md:5:1: error: 'show manifold' needs a 2-D latent space; the model has latent=20 (use 'plot latent' instead)"]),
        BrokenCase(name: "evolution before training", markdown: block(prelude + "show evolution"),
                   expected: ["nb.md:7:1: error: 'show evolution' needs a 'train' command before it"]),
        BrokenCase(name: "unknown dataset", markdown: block("data fashion-mnsit"),
                   expected: ["nb.md:4:6: error: unknown dataset 'fashion-mnsit' (did you mean 'fashion-mnist'?); expected one of: fashion-mnist, mnist (or 'data idx …' and 'data npy …')"]),
        BrokenCase(name: "samples before model", markdown: block("show samples 4"),
                   expected: ["nb.md:4:1: error: 'show samples' needs a model; add a 'model' command before it"]),
        BrokenCase(name: "train before data", markdown: block("model mlp encoder=[8] latent=2 decoder=[8]\ntrain epochs=1"),
                   expected: ["nb.md:5:1: error: 'train' needs data; add a 'data' command before it"]),
        BrokenCase(name: "losses before training", markdown: block(prelude + "plot losses"),
                   expected: ["nb.md:7:1: error: 'plot losses' needs a 'train' command before it"]),
        BrokenCase(name: "unknown subcommand", markdown: block(prelude + "show reconstrutions 4"),
                   expected: ["nb.md:7:6: error: unknown show 'reconstrutions' (did you mean 'reconstructions'?); expected one of: reconstructions, samples, manifold, evolution, traversal, interpolation"]),
        BrokenCase(name: "missing subcommand", markdown: block(prelude + "table"),
                   expected: ["nb.md:7:6: error: 'table' needs what to table: losses, models"]),
        BrokenCase(name: "unknown parameter reference", markdown: block("param epochs = 2\n" + prelude + "train epochs=$epoch"),
                   expected: ["nb.md:8:14: error: unknown parameter '$epoch' (did you mean 'epochs'?); declare it first with 'param epoch = …'"]),
        BrokenCase(name: "parameter of the wrong type", markdown: block("param size = big\n" + prelude + "train epochs=$size"),
                   expected: ["nb.md:8:14: error: 'epochs' of 'train' must be an integer in 1...100000, found 'big' (from $size)"]),
        BrokenCase(name: "duplicate parameter", markdown: block("param a = 1\nparam a = 2"),
                   expected: ["nb.md:5:7: error: parameter 'a' is already declared"]),
        BrokenCase(name: "unclosed list", markdown: block("seed 1\ndata fashion-mnist\nmodel mlp encoder=[8, 4 latent=2 decoder=[8]"),
                   expected: ["nb.md:6:25: error: expected ',' or ']' in list, found 'latent'"]),
        BrokenCase(name: "dangling equals", markdown: block("train epochs="),
                   expected: ["nb.md:4:14: error: expected a value after 'epochs='"]),
        BrokenCase(name: "unterminated string", markdown: block("seed \"12"),
                   expected: ["nb.md:4:6: error: unterminated string; add a closing '\"'"]),
        BrokenCase(name: "extra positional", markdown: block("seed 1 2"),
                   expected: ["nb.md:4:8: error: 'seed' takes 1 value before its options, found '2'"]),
        BrokenCase(name: "option given twice", markdown: block(prelude + "train epochs=1 epochs=2"),
                   expected: ["nb.md:7:16: error: option 'epochs' is given twice"]),
        BrokenCase(name: "unknown activation", markdown: block("model mlp encoder=[8] latent=2 decoder=[8] activation=rleu"),
                   expected: ["nb.md:4:55: error: unknown activation 'rleu' (did you mean 'relu'?); expected one of: identity, relu, elu, leaky-relu, tanh, sigmoid, softplus"]),
        BrokenCase(name: "momentum without sgd", markdown: block(prelude + "train epochs=1 momentum=0.9"),
                   expected: ["nb.md:7:25: error: 'momentum' applies only to optimizer=sgd"]),
        BrokenCase(name: "seed after data", markdown: block("data fashion-mnist\nseed 3"),
                   expected: ["nb.md:5:1: error: 'seed' must come before 'data' and 'model' so every draw depends on it"]),
        BrokenCase(name: "threshold without static binarization", markdown: block("data mnist threshold=0.3"),
                   expected: ["nb.md:4:22: error: 'threshold' applies only to binarize=static"]),
        BrokenCase(name: "unknown binarization", markdown: block("data mnist binarize=dinamic"),
                   expected: ["nb.md:4:21: error: unknown binarize 'dinamic' (did you mean 'dynamic'?); expected one of: none, static, dynamic"]),
        BrokenCase(name: "kernel on an MLP", markdown: block("model mlp encoder=[8] latent=2 decoder=[8] kernel=3"),
                   expected: ["nb.md:4:51: error: 'kernel' applies only to conv models"]),
        BrokenCase(name: "residual on a conv model", markdown: block("model conv encoder=[4] latent=2 decoder=[4] residual=1"),
                   expected: ["nb.md:4:54: error: 'residual' applies only to mlp models"]),
        BrokenCase(name: "residual without hidden layers", markdown: block("model mlp encoder=[] latent=2 decoder=[] residual=1"),
                   expected: ["nb.md:4:51: error: 'residual' needs at least one hidden layer to follow; give encoder=[…] or decoder=[…] a size"]),
        BrokenCase(name: "summary before model", markdown: block("summary"),
                   expected: ["nb.md:4:1: error: 'summary' needs a model; add a 'model' command before it"]),
        BrokenCase(name: "unknown split", markdown: block(prelude + "evaluate validation"),
                   expected: ["nb.md:7:10: error: unknown split 'validation'; expected one of: train, test"]),
        BrokenCase(name: "save weights without a path", markdown: block(prelude + "save weights"),
                   expected: ["nb.md:7:13: error: 'save weights' needs path (the checkpoint file: a file path)"]),
        BrokenCase(name: "spaces around equals", markdown: block(prelude + "train = 3"),
                   expected: ["nb.md:7:7: error: unexpected '='; write options as key=value without spaces around '='"]),
        BrokenCase(name: "a number where a command belongs", markdown: block("42 epochs"),
                   expected: ["nb.md:4:1: error: expected a command name, found '42'"]),
        BrokenCase(name: "a list where a number belongs", markdown: block("model mlp encoder=[8] latent=[2] decoder=[8]"),
                   expected: ["nb.md:4:30: error: 'latent' of 'model' must be an integer in 1...1024, found '[2]'"]),
        BrokenCase(name: "a number where a list belongs", markdown: block("model mlp encoder=8 latent=2 decoder=[8]"),
                   expected: ["nb.md:4:19: error: 'encoder' of 'model' must be a list like [512,256] of 0...8 integers in 1...8192, found '8'"]),
        BrokenCase(name: "a dollar without a name", markdown: block(prelude + "train epochs=$"),
                   expected: ["nb.md:7:14: error: expected a parameter name after '$'"]),
        BrokenCase(name: "param without a value", markdown: block("param epochs"),
                   expected: ["nb.md:4:7: error: expected 'param name = value'"]),
        BrokenCase(name: "two models with one name", markdown: block(prelude + "model mlp encoder=[8] latent=2 decoder=[8] name=model-1"),
                   expected: ["nb.md:7:49: error: a model named 'model-1' is built already; give this one another name=…"]),
        BrokenCase(name: "a model name that is not a name", markdown: block("model mlp encoder=[8] latent=2 decoder=[8] name=4b"),
                   expected: ["nb.md:4:49: error: 'name' of 'model' must be a name (a letter, then letters, digits, - or _), found '4b'"]),
        BrokenCase(name: "use of an unknown model", markdown: block(prelude + "use modle-1"),
                   expected: ["nb.md:7:5: error: no model named 'modle-1' (did you mean 'model-1'?); the notebook has built: model-1"]),
        BrokenCase(name: "use before any model", markdown: block("use base"),
                   expected: ["nb.md:4:1: error: 'use' needs a model; add a 'model' command before it"]),
        BrokenCase(name: "overlay of an untrained model",
                   markdown: block(prelude + "train epochs=1\nmodel mlp encoder=[8] latent=2 decoder=[8] name=b\nplot losses models=[model-1, b]"),
                   expected: ["nb.md:9:20: error: the model 'b' is not trained by this point"]),
        BrokenCase(name: "overlay of an unknown model", markdown: block(prelude + "train epochs=1\nplot losses models=[model-1, model-2]"),
                   expected: ["nb.md:8:20: error: no model named 'model-2' (did you mean 'model-1'?); the notebook has built: model-1"]),
        BrokenCase(name: "overlay without a list", markdown: block(prelude + "train epochs=1\nplot losses models=model-1"),
                   expected: ["nb.md:8:20: error: 'models' of 'plot losses' must be a list of 1...10 names like [a, b], found 'model-1'"]),
        BrokenCase(name: "training of the second model before its train", markdown: block(prelude + "train epochs=1\nmodel mlp encoder=[8] latent=2 decoder=[8] name=b\ntable losses"),
                   expected: ["nb.md:9:1: error: 'table losses' needs the model 'b' trained; add a 'train' command before it"]),
        BrokenCase(name: "table models before any model", markdown: block("table models"),
                   expected: ["nb.md:4:1: error: 'table models' needs a model; add a 'model' command before it"]),
        BrokenCase(name: "kl bars before data", markdown: block("model mlp encoder=[8] latent=2 decoder=[8]\nplot kl"),
                   expected: ["nb.md:5:1: error: 'plot kl' needs data; add a 'data' command before it"]),
        BrokenCase(name: "traversal beyond the latent", markdown: block(prelude + "show traversal dims=[1,3]"),
                   expected: ["nb.md:7:21: error: dimension 3 is beyond the model's latent=2"]),
        BrokenCase(name: "traversal of one step", markdown: block(prelude + "show traversal steps=1"),
                   expected: ["nb.md:7:22: error: 'steps' of 'show traversal' must be an integer in 2...25, found 1"]),
        BrokenCase(name: "interpolation of no pairs", markdown: block(prelude + "show interpolation pairs=0"),
                   expected: ["nb.md:7:26: error: 'pairs' of 'show interpolation' must be an integer in 1...20, found 0"]),
        BrokenCase(name: "negative warm-up", markdown: block(prelude + "train epochs=1 warmup=-1"),
                   expected: ["nb.md:7:23: error: 'warmup' of 'train' must be an integer in 0...100000, found -1"]),
        BrokenCase(name: "shuffle that is not a truth value", markdown: block(prelude + "train epochs=1 shuffle=no"),
                   expected: ["nb.md:7:24: error: 'shuffle' of 'train' must be true or false, found 'no'"]),
        BrokenCase(name: "sampled that is not a truth value", markdown: block(prelude + "show reconstructions 4 sampled=1"),
                   expected: ["nb.md:7:32: error: 'sampled' of 'show reconstructions' must be true or false, found '1'"]),
        BrokenCase(name: "a manifold range that is neither auto nor a number", markdown: block(prelude + "show manifold range=wide"),
                   expected: ["nb.md:7:21: error: 'range' of 'show manifold' must be auto or a number in 0.1...10, found 'wide'"]),
        BrokenCase(name: "a fitted manifold without data", markdown: block("model mlp encoder=[8] latent=2 decoder=[8]\nshow manifold range=auto"),
                   expected: ["nb.md:5:21: error: 'show manifold range=auto' needs data; add a 'data' command before it"]),
        BrokenCase(name: "more reconstructions than the evolution keeps", markdown: block(prelude + "train epochs=1\nshow evolution 12 of=reconstructions"),
                   expected: ["nb.md:8:16: error: the reconstruction evolution keeps the first 8 test images; ask for at most 8"]),
        BrokenCase(name: "several errors at once, in file order",
                   markdown: block("seed 1\ntrian\n") + "\nprose\n\n```swift-vae\nshow samples 1000\n```\n",
                   expected: ["nb.md:5:1: error: unknown command 'trian' (did you mean 'train'?)",
                              "nb.md:12:14: error: 'count' of 'show samples' must be an integer in 1...400, found 1000"]),
        BrokenCase(name: "unknown check option in front matter",
                   markdown: "---\ncheck:\n  tolerence: 1e-3\n---\n" + block("seed 1"),
                   expected: ["nb.md:3:3: error: unknown check option 'tolerence' (did you mean 'tolerance'?); options: tolerance, pixel-tolerance"]),
        BrokenCase(name: "check tolerance that is not a number",
                   markdown: "---\ntitle: T\ncheck:\n  pixel-tolerance: lots\n---\n" + block("seed 1"),
                   expected: ["nb.md:4:20: error: 'pixel-tolerance' must be a number from 0 to 1, such as 1e-3; got 'lots'"]),
        BrokenCase(name: "check given a value instead of options",
                   markdown: "---\ncheck: strict\n---\n" + block("seed 1"),
                   expected: ["nb.md:2:8: error: 'check' takes its options on the lines below it, such as '  tolerance: 1e-3'"]),
        BrokenCase(name: "unknown block attribute",
                   markdown: "# T\n\n```swift-vae {#train tolerence=1e-2}\nseed 1\n```\n",
                   expected: ["nb.md:3:22: error: unknown block attribute 'tolerence' (did you mean 'tolerance'?); attributes: tolerance, pixel-tolerance"]),
        BrokenCase(name: "a failed model still declares a model, so training it is no follow-on error",
                   markdown: block("seed 1\ndata fashion-mnist train=100\nmodel mlp encoder=[8] latent_dim=2 decoder=[8]\ntrain epochs=1\nplot losses"),
                   expected: ["nb.md:6:23: error: unknown option 'latent_dim' for 'model' (did you mean 'latent'?); its options are encoder, latent, decoder, kernel, stride, residual, activation, init, name"]),
        BrokenCase(name: "a failed model keeps the name it asked for",
                   markdown: block("model mlp encoder=[8] latent=0 decoder=[8] name=base\nuse base"),
                   expected: ["nb.md:4:30: error: 'latent' of 'model' must be an integer in 1...1024, found 0"]),
        BrokenCase(name: "a failed data still declares data",
                   markdown: block("data fashion-mnsit\nmodel mlp encoder=[8] latent=2 decoder=[8]\ntrain epochs=1\nplot kl"),
                   expected: ["nb.md:4:6: error: unknown dataset 'fashion-mnsit' (did you mean 'fashion-mnist'?); expected one of: fashion-mnist, mnist (or 'data idx …' and 'data npy …')"]),
        BrokenCase(name: "a failed train still trains the model for later figures",
                   markdown: block(prelude + "train batch=10\nplot losses\nshow evolution"),
                   expected: ["nb.md:7:15: error: 'train' needs epochs=… or steps=…"]),
        BrokenCase(name: "a train without data still trains the model for later figures",
                   markdown: block("model mlp encoder=[8] latent=2 decoder=[8]\ntrain epochs=1\ntable losses"),
                   expected: ["nb.md:5:1: error: 'train' needs data; add a 'data' command before it"]),
        BrokenCase(name: "a misspelt command declares what the command it suggests makes",
                   markdown: block("seed 1\ndata fashion-mnist train=100\nmodle mlp encoder=[8] latent=2 decoder=[8]\ntrian epochs=1\nplot losses"),
                   expected: ["nb.md:6:1: error: unknown command 'modle' (did you mean 'model'?)",
                              "nb.md:7:1: error: unknown command 'trian' (did you mean 'train'?)"]),
        BrokenCase(name: "a misspelt subcommand declares what the command it suggests makes",
                   markdown: block(prelude + "save wieghts w2.ckpt\nload weights w2.ckpt"),
                   expected: ["nb.md:7:6: error: unknown save 'wieghts' (did you mean 'weights'?); expected one of: weights"]),
        BrokenCase(name: "a save into a missing folder, and no follow-on error for loading it",
                   markdown: block(prelude + "save weights nowhere/w.ckpt\nload weights nowhere/w.ckpt"),
                   expected: ["nb.md:7:14: error: cannot save 'nowhere/w.ckpt': the folder 'nowhere' does not exist; create it first"]),
        // `data idx` and `data npy` (their files are checked in DataFilesTests).
        BrokenCase(name: "data idx without its files", markdown: block("data idx"),
                   expected: ["nb.md:4:9: error: 'data idx' needs train-images=… (the training images (IDX, raw or .gz): a file path), train-labels=… (the training labels (IDX, raw or .gz): a file path), test-images=… (the test images (IDX, raw or .gz): a file path) and test-labels=… (the test labels (IDX, raw or .gz): a file path)"]),
        BrokenCase(name: "class names that are not a list", markdown: block("data idx train-images=a train-labels=b test-images=c test-labels=d classes=cats"),
                   expected: ["nb.md:4:76: error: 'classes' of 'data idx' must be a list of 1...256 labels like [cat, dog, \"T-shirt/top\"], found 'cats'"]),
        BrokenCase(name: "a class name that is a list", markdown: block("data idx train-images=a train-labels=b test-images=c test-labels=d classes=[a,[b]]"),
                   expected: ["nb.md:4:79: error: 'classes' of 'data idx' must be a list of 1...256 labels like [cat, dog, \"T-shirt/top\"], found '[b]'"]),
        BrokenCase(name: "size belongs to data npy", markdown: block("data idx train-images=a train-labels=b test-images=c test-labels=d size=[28,28]"),
                   expected: ["nb.md:4:68: error: 'size' belongs to 'data npy', not 'data idx'"]),
        BrokenCase(name: "a size of three numbers", markdown: block("data npy train-images=a train-labels=b test-images=c test-labels=d size=[1,2,3]"),
                   expected: ["nb.md:4:73: error: 'size' of 'data npy' must have 2...2 sizes, found 3"]),
        BrokenCase(name: "a threshold without static binarization from files", markdown: block("data npy train-images=a train-labels=b test-images=c test-labels=d threshold=0.3"),
                   expected: ["nb.md:4:78: error: 'threshold' applies only to binarize=static"]),
        BrokenCase(name: "a dataset by name that only files can give", markdown: block("data kmnist"),
                   expected: ["nb.md:4:6: error: unknown dataset 'kmnist' (did you mean 'mnist'?); expected one of: fashion-mnist, mnist (or 'data idx …' and 'data npy …')"]),
        BrokenCase(name: "every missing required option at once", markdown: block("model mlp"),
                   expected: ["nb.md:4:10: error: 'model' needs encoder=… (hidden layer sizes (mlp) or filter counts (conv) of the encoder: a list like [512,256] of 0...8 integers in 1...8192), latent=… (size of the latent space: an integer in 1...1024) and decoder=… (hidden layer sizes (mlp) or filter counts (conv) of the decoder: a list like [512,256] of 0...8 integers in 1...8192)"]),
        BrokenCase(name: "missing options beside a wrong one", markdown: block("model conv latent=x"),
                   expected: ["nb.md:4:19: error: 'latent' of 'model' must be an integer in 1...1024, found 'x'",
                              "nb.md:4:20: error: 'model' needs encoder=… (hidden layer sizes (mlp) or filter counts (conv) of the encoder: a list like [512,256] of 0...8 integers in 1...8192) and decoder=… (hidden layer sizes (mlp) or filter counts (conv) of the decoder: a list like [512,256] of 0...8 integers in 1...8192)"]),
        BrokenCase(name: "Keras's hidden names both encoder and decoder", markdown: block("model mlp hidden=[8] latent=2"),
                   expected: ["nb.md:4:11: error: unknown option 'hidden' for 'model' (did you mean 'encoder' or 'decoder'?); its options are encoder, latent, decoder, kernel, stride, residual, activation, init, name"]),
        BrokenCase(name: "PyTorch's names for training options",
                   markdown: block(prelude + "train num_epochs=1 batch_size=10 learning_rate=1e-3 kl_weight=2"),
                   expected: ["nb.md:7:7: error: unknown option 'num_epochs' for 'train' (did you mean 'epochs'?); its options are epochs, steps, batch, lr, optimizer, momentum, loss, kl, beta, reduction, warmup, shuffle",
                              "nb.md:7:20: error: unknown option 'batch_size' for 'train' (did you mean 'batch'?); its options are epochs, steps, batch, lr, optimizer, momentum, loss, kl, beta, reduction, warmup, shuffle",
                              "nb.md:7:34: error: unknown option 'learning_rate' for 'train' (did you mean 'lr'?); its options are epochs, steps, batch, lr, optimizer, momentum, loss, kl, beta, reduction, warmup, shuffle",
                              "nb.md:7:53: error: unknown option 'kl_weight' for 'train' (did you mean 'beta'?); its options are epochs, steps, batch, lr, optimizer, momentum, loss, kl, beta, reduction, warmup, shuffle"]),
        BrokenCase(name: "z_dim is the latent size", markdown: block("model mlp encoder=[8] z_dim=2 decoder=[8]"),
                   expected: ["nb.md:4:23: error: unknown option 'z_dim' for 'model' (did you mean 'latent'?); its options are encoder, latent, decoder, kernel, stride, residual, activation, init, name"]),
        BrokenCase(name: "fit is train", markdown: block(prelude + "fit epochs=1"),
                   expected: ["nb.md:7:1: error: unknown command 'fit' (did you mean 'train'?)"]),
        BrokenCase(name: "an optimizer by its class name", markdown: block(prelude + "train epochs=1 optimizer=AdamW"),
                   expected: ["nb.md:7:26: error: unknown optimizer 'AdamW' (did you mean 'adam'?); expected one of: adam, adam-keras, sgd, rmsprop"]),
        BrokenCase(name: "an option of another command", markdown: block(prelude + "train epochs=1 activation=relu"),
                   expected: ["nb.md:7:16: error: 'activation' belongs to 'model', not 'train'"]),
        BrokenCase(name: "an option of two other commands", markdown: block(prelude + "show samples steps=3"),
                   expected: ["nb.md:7:14: error: 'steps' belongs to 'train', 'show traversal' and 'show interpolation', not 'show samples'"]),
        BrokenCase(name: "a quoted number", markdown: block(prelude + "train epochs=\"5\""),
                   expected: ["nb.md:7:14: error: 'epochs' of 'train' must be an integer in 1...100000, found \"5\"; drop the quotes"]),
        BrokenCase(name: "a quoted word", markdown: block(prelude + "train epochs=1 optimizer=\"adam\""),
                   expected: ["nb.md:7:26: error: 'optimizer' of 'train' must be one of adam, adam-keras, sgd, rmsprop, found \"adam\"; drop the quotes"]),
        BrokenCase(name: "a quoted list", markdown: block("model mlp encoder=\"[8]\" latent=2 decoder=[8]"),
                   expected: ["nb.md:4:19: error: 'encoder' of 'model' must be a list like [512,256] of 0...8 integers in 1...8192, found \"[8]\"; drop the quotes"]),
        BrokenCase(name: "an unclosed fence swallows the prose after it",
                   markdown: "# T\n\n```swift-vae\nseed 1\n\nSome prose after the block.\n\n## More\n",
                   expected: ["nb.md:3:1: error: unclosed ```swift-vae fence opened at line 3; close it with a line of ``` after its last command"]),
        BrokenCase(name: "an unclosed fence in a list item, after a closed one",
                   markdown: block("seed 1") + "\n- step\n\n  ````swift-vae\n  data mnist\n\n  Prose.\n",
                   expected: ["nb.md:9:3: error: unclosed ````swift-vae fence opened at line 9; close it with a line of ```` after its last command"]),
        BrokenCase(name: "block tolerance out of range",
                   markdown: "# T\n\n```swift-vae {tolerance=2}\nseed 1\n```\n",
                   expected: ["nb.md:3:15: error: 'tolerance' must be a number from 0 to 1, such as 1e-3; got '2'"]),
        // Quarto's executable fence and `#|` cell options.
        BrokenCase(name: "unknown attribute in a Quarto fence",
                   markdown: "# T\n\n```{swift-vae tolerence=1e-2}\nseed 1\n```\n",
                   expected: ["nb.md:3:15: error: unknown block attribute 'tolerence' (did you mean 'tolerance'?); attributes: tolerance, pixel-tolerance"]),
        BrokenCase(name: "unknown cell option", markdown: block("#| ecko: false\nseed 1"),
                   expected: ["nb.md:4:4: error: unknown cell option 'ecko' (did you mean 'echo'?); options: echo, output, label, tolerance, pixel-tolerance"]),
        BrokenCase(name: "echo that is not a truth value", markdown: block("#| echo: maybe\nseed 1"),
                   expected: ["nb.md:4:10: error: 'echo' must be true or false, found 'maybe'"]),
        BrokenCase(name: "output that is not a truth value", markdown: block("  #|output: \"yes\"  # quoted\nseed 1"),
                   expected: ["nb.md:4:13: error: 'output' must be true or false, found 'yes'"]),
        BrokenCase(name: "cell option without a colon", markdown: block("#| echo false\nseed 1"),
                   expected: ["nb.md:4:4: error: expected a cell option as '#| key: value', such as '#| echo: false'"]),
        BrokenCase(name: "cell option given twice", markdown: block("#| echo: false\n#| echo: true\nseed 1"),
                   expected: ["nb.md:5:4: error: cell option 'echo' is given twice"]),
        BrokenCase(name: "cell option after a command", markdown: block("seed 1\n#| echo: false"),
                   expected: ["nb.md:5:1: error: cell options ('#| key: value') must be the block's first lines, before any command"]),
        BrokenCase(name: "label that is not a name", markdown: block("#| label: 4b\nseed 1"),
                   expected: ["nb.md:4:11: error: 'label' must be a name (a letter, then letters, digits, - or _), found '4b'"]),
        BrokenCase(name: "label used twice", markdown: block("#| label: fit\nseed 1") + "\n```swift-vae\n#| label: fit\n```\n",
                   expected: ["nb.md:9:11: error: label 'fit' is already used by the block at line 3; labels are unique"]),
        BrokenCase(name: "label that is a heading's id",
                   markdown: "# T\n\n## Training\n\n```swift-vae\n#| label: training\nseed 1\n```\n",
                   expected: ["nb.md:6:11: error: label 'training' is already the id of a heading; choose another"]),
        BrokenCase(name: "cell tolerance out of range", markdown: block("#| tolerance: 2\nseed 1"),
                   expected: ["nb.md:4:15: error: 'tolerance' must be a number from 0 to 1, such as 1e-3; got '2'"]),
        BrokenCase(name: "cell pixel tolerance that is not a number", markdown: block("#| pixel-tolerance: lots\nseed 1"),
                   expected: ["nb.md:4:21: error: 'pixel-tolerance' must be a number from 0 to 1, such as 1e-3; got 'lots'"]),
        // Front matter, read as YAML.
        BrokenCase(name: "front matter never closed", markdown: "---\ntitle: T\n" + block("seed 1"),
                   expected: ["nb.md:1:1: error: front matter opened here is never closed; end it with a '---' line"]),
        BrokenCase(name: "duplicate front matter key", markdown: "---\ntitle: A\nauthor: me\ntitle: B\n---\n" + block("seed 1"),
                   expected: ["nb.md:4:1: error: duplicate key 'title' in the front matter; it is first given on line 2"]),
        BrokenCase(name: "duplicate check option",
                   markdown: "---\ncheck:\n  tolerance: 1e-3\n  tolerance: 1e-2\n---\n" + block("seed 1"),
                   expected: ["nb.md:4:3: error: duplicate key 'tolerance' in the front matter; it is first given on line 3"]),
        BrokenCase(name: "front matter that is not YAML", markdown: "---\ntitle: [unclosed\n---\n" + block("seed 1"),
                   expected: ["nb.md:3:1: error: front matter is not valid YAML: did not find expected ',' or ']' while parsing a flow sequence that starts at 2:8"]),
        BrokenCase(name: "front matter that is not a mapping", markdown: "---\n- a\n- b\n---\n" + block("seed 1"),
                   expected: ["nb.md:2:1: error: front matter must be 'key: value' lines"]),
        BrokenCase(name: "a list item under check", markdown: "---\ncheck:\n  - tolerance: 1e-3\n---\n" + block("seed 1"),
                   expected: ["nb.md:3:3: error: 'check' takes its options on the lines below it, such as '  tolerance: 1e-3', not a list"]),
        BrokenCase(name: "a list for a check option", markdown: "---\ncheck:\n  tolerance: [1, 2]\n---\n" + block("seed 1"),
                   expected: ["nb.md:3:14: error: 'tolerance' must be a number from 0 to 1, such as 1e-3, not a list"]),
        BrokenCase(name: "a mapping for the title", markdown: "---\ntitle:\n  text: A\n---\n" + block("seed 1"),
                   expected: ["nb.md:3:3: error: 'title' must be text, not a mapping ('key: value' lines)"]),
        // Quarto's `params:`.
        BrokenCase(name: "params given a value", markdown: "---\nparams: 3\n---\n" + block("seed 1"),
                   expected: ["nb.md:2:9: error: 'params' takes its parameters as 'name: value' lines below it, such as '  epochs: 10'"]),
        BrokenCase(name: "a list for a parameter", markdown: "---\nparams:\n  sizes: [1, 2]\n---\n" + block("seed 1"),
                   expected: ["nb.md:3:10: error: parameter 'sizes' must be a single value, not a list"]),
        BrokenCase(name: "a mapping for a parameter", markdown: "---\nparams:\n  epochs:\n    value: 3\n---\n" + block("seed 1"),
                   expected: ["nb.md:4:5: error: parameter 'epochs' must be a single value, not a mapping ('key: value' lines)"]),
        BrokenCase(name: "a parameter without a value", markdown: "---\nparams:\n  epochs:\n---\n" + block("seed 1"),
                   expected: ["nb.md:3:3: error: parameter 'epochs' needs a value, such as 'epochs: 10'"]),
        BrokenCase(name: "a parameter name that is not a name", markdown: "---\nparams:\n  2x: 1\n---\n" + block("seed 1"),
                   expected: ["nb.md:3:3: error: parameter name '2x' must be a name (a letter, then letters, digits, - or _)"]),
        BrokenCase(name: "a parameter referring to another", markdown: "---\nparams:\n  a: 1\n  b: $a\n---\n" + block("seed 1"),
                   expected: ["nb.md:4:6: error: a parameter's value must be written out, not refer to another parameter"]),
        BrokenCase(name: "a parameter in params and on a param line",
                   markdown: "---\nparams:\n  epochs: 2\n---\n" + block("param epochs = 3"),
                   expected: ["nb.md:8:7: error: parameter 'epochs' is already declared under 'params' in the front matter (line 3)"]),
        BrokenCase(name: "a params parameter of the wrong type",
                   markdown: "---\nparams:\n  epochs: many\n---\n" + block(prelude + "train epochs=$epochs"),
                   expected: ["nb.md:11:14: error: 'epochs' of 'train' must be an integer in 1...100000, found 'many' (from $epochs)"]),
    ]

    @Test("broken notebooks report exact messages and positions", arguments: brokenCases)
    func brokenNotebook(_ broken: BrokenCase) {
        #expect(Self.errors(broken.markdown) == broken.expected)
    }

    @Test func checkpointsMustExistUnlessTheNotebookSavesThemFirst() {
        let missing = Self.errors(Self.block(Self.prelude + "load weights nowhere.ckpt"))
        #expect(missing.count == 1)
        #expect(missing.first?.hasPrefix("nb.md:7:14: error: no checkpoint 'nowhere.ckpt' (looked for /") == true)
        #expect(Self.errors(Self.block(Self.prelude + "save weights w.ckpt\nload weights w.ckpt")).isEmpty)
        #expect(Self.errors(Self.block(Self.prelude + "save weights \"w.ckpt\"\nload weights \"w.ckpt\"")).isEmpty)
    }

    @Test func aCheckpointFromElsewhereMustFitTheModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nb-header-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("old.ckpt")
        try Checkpoint.save(VAE(spec: ModelSpec(encoder: [16], latent: 2, decoder: [16])), to: file)
        // Outside the notebook's folder (the working directory), so only with --allow-outside.
        let refused = Self.errors(Self.block("model mlp encoder=[16] latent=2 decoder=[16]\nload weights \(file.path)"))
        #expect(refused.first?.hasPrefix("nb.md:5:14: error: cannot load '\(file.path)': it is outside the notebook's folder") == true)
        let allowed = [folder]
        #expect(Self.errors(Self.block("model mlp encoder=[16] latent=2 decoder=[16] activation=elu\nload weights \(file.path)"),
                            allowedOutside: allowed).isEmpty)
        #expect(Self.errors(Self.block(Self.prelude + "load weights \(file.path)"), allowedOutside: allowed) == [
            "nb.md:7:14: error: checkpoint '\(file.path)' holds a model mlp encoder=[16] latent=2 decoder=[16], "
                + "not the current model's mlp encoder=[8] latent=2 decoder=[8] "
                + "(encoder.0.weight is [16, 784] in the file, [8, 784] in the model)",
        ])
        let notACheckpoint = folder.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: notACheckpoint)
        #expect(Self.errors(Self.block(Self.prelude + "load weights \(notACheckpoint.path)"), allowedOutside: allowed) == [
            "nb.md:7:14: error: \(notACheckpoint.path) is not a VAE checkpoint (it does not start with the VAECKPT signature)",
        ])
    }

    @Test func aSafetensorsFileFromElsewhereMustFitTheModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nb-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("other.safetensors")
        try WeightsFormat(path: file.path).save(VAE(spec: ModelSpec(encoder: [16], latent: 2, decoder: [16])), to: file)
        let allowed = [folder]
        #expect(Self.errors(Self.block("model mlp encoder=[16] latent=2 decoder=[16] activation=elu\nload weights \(file.path)"), allowedOutside: allowed).isEmpty)
        #expect(Self.errors(Self.block(Self.prelude + "load weights \(file.path)"), allowedOutside: allowed) == [
            "nb.md:7:14: error: safetensors file \(file.path) does not fit the notebook's model, an MLP VAE 784-[8]-2-[8]-784 "
                + "(its metadata says it was saved from 'model mlp encoder=[16] latent=2 decoder=[16] activation=relu'): "
                + "tensor encoder.0.weight is [16, 784] in the file, [8, 784] in the model; "
                + "load weights saved from the same architecture",
        ])
        let damaged = folder.appendingPathComponent("damaged.safetensors")
        try Data([255, 255, 0, 0, 0, 0, 0, 0, 123]).write(to: damaged)
        #expect(Self.errors(Self.block(Self.prelude + "load weights \(damaged.path)"), allowedOutside: allowed) == [
            "nb.md:7:14: error: safetensors file \(damaged.path) is corrupt: its header length (65535 bytes) is larger than the file (9 bytes)",
        ])
        // One the notebook saves itself is checked when it runs.
        #expect(Self.errors(Self.block(Self.prelude + "save weights w.safetensors\nload weights w.safetensors")).isEmpty)
    }

    @Test func convolutionalModelsAreCheckedAgainstTheImage() throws {
        let program = try Self.compile(Self.block("seed 1\ndata mnist binarize=static\n"
            + "model conv encoder=[32,64] latent=50 decoder=[64,32] kernel=3 stride=2"))
        guard let spec = (program.blocks[0].commands[2].command as? ModelCommand)?.spec else {
            Issue.record("expected a model")
            return
        }
        #expect(spec.kind == .conv && spec.kernel == 3 && spec.stride == 2)
        guard let request = (program.blocks[0].commands[1].command as? DataCommand)?.request else { return }
        #expect(request.binarization == .threshold(0.5))
        let tooDeep = Self.errors(Self.block("model conv encoder=[8,8,8,8] latent=2 decoder=[8]"))
        #expect(tooDeep.count == 1)
        #expect(tooDeep.first?.hasPrefix("nb.md:4:1: error: encoder convolution") == true)
    }

    @Test func diagnosticShowsTheSourceLineAndACaret() {
        do {
            _ = try Self.compile("Intro\n\n- item\n\n  ```swift-vae\n  seed 1\n  trian epochs=2\n  ```\n")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == """
                nb.md:7:3: error: unknown command 'trian' (did you mean 'train'?)
                    trian epochs=2
                    ^~~~~
                1 error in nb.md
                """)
        }
    }
}

/// Front matter and block attributes set the tolerances `notebook check` uses.
struct CheckToleranceTests {
    @Test func frontMatterAndBlockAttributesSetTolerances() throws {
        let markdown = """
            ---
            title: "Front matter title"
            author: someone   # other tools' keys are ignored
            check:
              tolerance: 0.01
            ---

            # Heading title

            ```swift-vae
            seed 1
            ```

            ```swift-vae {#figures pixel-tolerance=0.1}
            param unused = 1
            ```
            """
        let document = MarkdownParser.parse(markdown, path: "nb.md")
        #expect(document.title == "Front matter title")
        let program = try NotebookCompiler.compile(document, source: markdown)
        #expect(program.tolerance == CheckTolerance(relative: 0.01, pixel: CheckTolerance.default.pixel))
        #expect(program.blocks[0].tolerance == program.tolerance)
        #expect(program.blocks[1].tolerance == CheckTolerance(relative: 0.01, pixel: 0.1))
        // Line numbers after the front matter are the file's.
        #expect(program.blocks[0].location.line == 10)
        // The front matter is not shown as prose.
        let prose = document.segments.compactMap { if case .html(let html) = $0 { html } else { nil } }.joined()
        #expect(!prose.contains("tolerance") && !prose.contains("author"))
    }

    @Test func aThematicBreakAtTheTopIsNotFrontMatter() {
        let document = MarkdownParser.parse("---\n\nSome prose.\n", path: "nb.md")
        #expect(document.frontMatter.entries.isEmpty)
        let prose = document.segments.compactMap { if case .html(let html) = $0 { html } else { nil } }.joined()
        #expect(prose.contains("<hr />") && prose.contains("Some prose."))
    }
}
