import Foundation
import Testing
import TestSupport
import VAEEngine

/// Under `ulimit -v` (RLIMIT_AS, common on shared clusters), a model that fits in the machine's
/// free memory but not in the address space left is the memory check's message at its line,
/// exit 1, instead of an abort in `malloc` once it runs.
@Suite struct AddressSpaceLimitTests {
    /// About 2.6 GiB of weights and gradients: over a 1.5 GB address-space limit, and refused at
    /// compile time, so nothing is allocated in either build.
    static let spec = ModelSpec(encoder: Array(repeating: 8192, count: 6), latent: 2, decoder: [8192])
    static let limitKilobytes = 1_500_000

    static var needed: Int { MemoryEstimate(spec: spec, batch: 1, optimizerSlots: 0).totalBytes }

    @Test(.enabled(if: (MemoryEstimate.availableBytes() ?? 0) > needed + (1 << 30),
                   "the machine itself must have room for the model, or its own figure is the message"))
    func aModelOverTheAddressSpaceLimitIsTheChecksMessage() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "# Big\n\n```swift-vae\nmodel mlp encoder=[8192,8192,8192,8192,8192,8192] latent=2 decoder=[8192]\n```\n"
            .write(to: folder.appendingPathComponent("big.md"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // `exec`, so the limit applies to the notebook process itself and its status is the shell's.
        process.arguments = ["-c", "ulimit -v \(Self.limitKilobytes) && exec \"$0\" run big.md --output out",
                             NotebookBinary.url.path]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        let errorPipe = Pipe()
        process.standardError = errorPipe
        try process.run()
        let standardError = String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 1, "stderr: \(standardError)")
        let headline = standardError.split(separator: "\n").first.map(String.init) ?? ""
        #expect(headline.hasPrefix("big.md:4:1: error: model 'model-1' needs about \(MemoryEstimate.describe(Self.needed)) "
                                   + "for its weights and a single image"), "\(headline)")
        #expect(headline.contains("; the address-space limit (ulimit -v) leaves "), "\(headline)")
        #expect(headline.hasSuffix(" available; use smaller layers"), "\(headline)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/big.html").path))
    }
}
