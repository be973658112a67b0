// vae-bench: the engine's speed per epoch against the BLAS floor, measured in one process.
import Foundation
import VAEEngine

BenchmarkCommand.main(CommandLine.arguments)
