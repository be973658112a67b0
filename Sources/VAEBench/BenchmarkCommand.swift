import Foundation
import VAEEngine

/// Parses `vae-bench [--json] [--layers] [--epochs N] [--threads N] [--train N] [--model NAME]`.
enum BenchmarkCommand {
    static let usage = """
        usage: vae-bench [--json] [--layers] [--epochs N] [--threads N] [--train N] [--model NAME]...
          Times training epochs of the reference models on Fashion-MNIST and, in the same
          process, the sgemm calls of those epochs alone (the BLAS floor). The best of
          --epochs epochs (default 3) and of their floors is reported.
          --layers: one more epoch per model with every layer timed, forward and backward,
          next to the sgemm calls it made and those calls alone (each layer's own floor).
          models: \(BenchmarkModel.all.map(\.name).joined(separator: ", "))
        """

    static func main(_ arguments: [String]) {
        var json = false, layers = false, epochs = 3, threads = 2, train: Int? = nil
        var models: [BenchmarkModel] = []
        var rest = arguments.dropFirst()
        func value(_ flag: String) -> String {
            guard let next = rest.popFirst() else { fail("\(flag) needs a value") }
            return next
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--json": json = true
            case "--layers": layers = true
            case "--epochs": epochs = integer(value(argument), argument)
            case "--threads": threads = integer(value(argument), argument)
            case "--train": train = integer(value(argument), argument)
            case "--model":
                let name = value(argument)
                guard let model = BenchmarkModel.all.first(where: { $0.name == name }) else { fail("unknown model '\(name)'; the models are \(BenchmarkModel.all.map(\.name).joined(separator: ", "))") }
                models.append(model)
            case "-h", "--help": print(usage); exit(0)
            default: fail("unknown argument \(argument)")
            }
        }
        if models.isEmpty { models = BenchmarkModel.all }
        guard epochs >= 1, threads >= 1 else { fail("--epochs and --threads must be at least 1") }
        guard threads <= ComputeContext.maximumThreads else { fail("--threads must be at most \(ComputeContext.maximumThreads)") }
        do {
            var splits = try FashionMNIST.load()
            if let train { splits.train = splits.train.prefix(train) }
            var results: [BenchmarkResult] = []
            var layerReports: [String] = []
            for model in models {
                if !json { FileHandle.standardError.write(Data("measuring \(model.name)…\n".utf8)) }
                results.append(try EpochBenchmark(model: model, data: splits, epochs: epochs, threads: threads).run())
                if layers {
                    let (timings, seconds) = try LayerBenchmark(model: model, data: splits, threads: threads).run()
                    layerReports.append(json ? LayerBenchmark.json(model: model.name, layers: timings, epochSeconds: seconds)
                                             : LayerBenchmark.table(model: model.name, layers: timings, epochSeconds: seconds))
                }
            }
            let report = BenchmarkReport(threads: threads, blas: BLAS.configuration, core: BLAS.coreName,
                                         trainImages: splits.train.count, results: results,
                                         peakResidentMegabytes: PeakMemory.residentMegabytes())
            print(json ? report.json(layers: layerReports) : ([report.table()] + layerReports).joined(separator: "\n\n"))
        } catch {
            fail("\(error)")
        }
    }

    static func integer(_ text: String, _ flag: String) -> Int {
        guard let value = Int(text) else { fail("\(flag) needs an integer, got '\(text)'") }
        return value
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("vae-bench: \(message)\n".utf8))
        exit(2)
    }
}

/// Peak resident memory of this process, from the kernel.
enum PeakMemory {
    static func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
            return kilobytes / 1024
        }
        return .nan
    }
}
