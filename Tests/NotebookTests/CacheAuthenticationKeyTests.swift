import Foundation
import Notebook
import Testing
import TestSupport

/// The key that signs cache entries: its form, and the file it is kept in outside the cache.
@Suite struct CacheAuthenticationKeyTests {
    @Test func aKeyIsAtLeastThirtyTwoBytesOfHex() {
        #expect(CacheAuthenticationKey(hex: String(repeating: "a", count: 64)) != nil)
        #expect(CacheAuthenticationKey(hex: String(repeating: "A0", count: 48) + "\n") != nil)
        #expect(CacheAuthenticationKey(hex: String(repeating: "a", count: 62)) == nil)
        #expect(CacheAuthenticationKey(hex: String(repeating: "a", count: 65)) == nil)
        #expect(CacheAuthenticationKey(hex: String(repeating: "g", count: 64)) == nil)
        #expect(CacheAuthenticationKey(hex: "") == nil)
    }

    @Test func theEnvironmentKeyWinsAndAMalformedOneIsAnError() throws {
        let hex = String(repeating: "3c", count: 32)
        guard case .key = try CacheAuthenticationKey.lookUp(environment: ["NOTEBOOK_CACHE_KEY": hex, "HOME": "/nonexistent"]) else {
            Issue.record("NOTEBOOK_CACHE_KEY was not used")
            return
        }
        #expect(throws: CacheAuthenticationKey.MalformedEnvironmentKey.self) {
            _ = try CacheAuthenticationKey.lookUp(environment: ["NOTEBOOK_CACHE_KEY": "secret"])
        }
    }

    @Test func theKeyFileIsMadeOnceWithMode0600AndSharedByEveryoneMakingIt() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["XDG_CONFIG_HOME": folder.appendingPathComponent("config").path, "HOME": "/nonexistent"]
        let file = try #require(CacheAuthenticationKey.keyFile(environment: environment))
        #expect(file.path == folder.appendingPathComponent("config/notebook/cache-key").path)
        let hexes = Collected()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if case .key = try? CacheAuthenticationKey.lookUp(environment: environment),
               let text = try? String(contentsOf: file, encoding: .utf8) {
                hexes.add(text)
            }
        }
        #expect(hexes.all.count == 8)
        #expect(Set(hexes.all).count == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOf: file, encoding: .utf8).utf8.count == 65)
        // Nothing but the key is left in the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["cache-key"])
    }

    @Test func aKeyOthersCanReadOrNoneAtAllLeavesTheCacheUnused() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["XDG_CONFIG_HOME": folder.path]
        let file = try #require(CacheAuthenticationKey.keyFile(environment: environment))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(String(repeating: "ab", count: 32).utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        guard case .unavailable(let reason) = try CacheAuthenticationKey.lookUp(environment: environment) else {
            Issue.record("a key readable by others was used")
            return
        }
        #expect(reason.contains("can be read by other users"))
        // A config folder that cannot be made (its parent is a file).
        let blocked = ["XDG_CONFIG_HOME": file.path]
        guard case .unavailable = try CacheAuthenticationKey.lookUp(environment: blocked) else {
            Issue.record("a key was made under a file")
            return
        }
    }

    final class Collected: @unchecked Sendable {
        private(set) var all: [String] = []
        private let lock = NSLock()
        func add(_ text: String) { lock.withLock { all.append(text) } }
    }
}
