import Foundation

/// Runs the built `notebook` (or `vae-bench`) executable, which SwiftPM places beside the test bundle.
public enum NotebookBinary {
    /// `.build/<triple>/<configuration>/notebook`.
    public static var url: URL { url(of: "notebook") }

    /// `.build/<triple>/<configuration>/<name>`.
    public static func url(of name: String) -> URL {
        let testExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = testExecutable.deletingLastPathComponent()
        // The test runner may sit inside `notebookPackageTests.xctest/`.
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent(name)
    }

    public struct Outcome: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `notebook arguments…` (or another built executable's) in `directory` and waits for it.
    public static func run(_ arguments: [String], in directory: URL, executable: String = "notebook",
                           environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = url(of: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks.
        let errorData = FileHandle(fileDescriptor: error.fileHandleForReading.fileDescriptor).readDataToEndOfFileLater()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       standardOutput: String(decoding: outputData, as: UTF8.self),
                       standardError: String(decoding: errorData(), as: UTF8.self))
    }
}

private extension FileHandle {
    /// Starts reading to the end on a background thread; the closure waits for the data.
    func readDataToEndOfFileLater() -> () -> Data {
        let box = DataBox()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.data = self.readDataToEndOfFile()
            done.signal()
        }
        return {
            done.wait()
            return box.data
        }
    }
}

private final class DataBox: @unchecked Sendable { var data = Data() }

/// A fresh temporary folder, removed by the caller.
public func makeTemporaryFolder(_ name: String = "notebook-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
