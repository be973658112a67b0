import VAEEngine

/// A reference model of the tutorials with the batch size they train it at.
struct BenchmarkModel {
    var name: String
    var spec: ModelSpec
    var batchSize: Int

    static let all: [BenchmarkModel] = [
        BenchmarkModel(name: "mlp-400-20",
                       spec: ModelSpec(encoder: [400], latent: 20, decoder: [400]), batchSize: 128),
        BenchmarkModel(name: "mlp-256-10",
                       spec: ModelSpec(encoder: [256], latent: 10, decoder: [256]), batchSize: 100),
        BenchmarkModel(name: "conv-tf-50",
                       spec: ModelSpec(kind: .conv, encoder: [32, 64], latent: 50, decoder: [64, 32]), batchSize: 100),
    ]
}
