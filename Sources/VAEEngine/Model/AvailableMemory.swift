import Foundation

/// The memory this process may still take, and which limit sets it, so a message can name the
/// limit the user would raise.
///
/// Three limits apply on Linux: the kernel's `MemAvailable`, what the control group leaves
/// (cgroup v2 `memory.max` less `memory.current`, or v1's limit less usage), and the soft
/// address-space limit (`ulimit -v`, `RLIMIT_AS`, common on shared clusters) less the process's
/// virtual size. The last counts address space, not memory touched, but it is what makes
/// `malloc` fail: a model that fits in free memory but not under it would abort mid-run.
public struct AvailableMemory: Sendable, Equatable {
    /// What sets the figure.
    public enum Limit: Sendable, Equatable {
        /// The machine's free memory, or its control group's.
        case memory
        /// The address-space limit, `ulimit -v`.
        case addressSpace
    }

    public var bytes: Int
    public var limit: Limit

    public init(bytes: Int, limit: Limit) {
        self.bytes = bytes
        self.limit = limit
    }

    /// The smallest of the figures given, each nil when it could not be read: `memAvailable`,
    /// `cgroupLeft`, and `addressSpaceLimit` (nil when unlimited) less `virtualSize`. Nil when
    /// none is known.
    public static func smallest(memAvailable: Int?, cgroupLeft: Int?, addressSpaceLimit: Int?,
                                virtualSize: Int) -> AvailableMemory? {
        var figures = [memAvailable, cgroupLeft].compactMap { $0 }.map { AvailableMemory(bytes: max(0, $0), limit: .memory) }
        if let addressSpaceLimit {
            // Both figures are sizes: clamped at 0, the difference cannot overflow.
            let left = max(0, addressSpaceLimit) - min(max(0, virtualSize), max(0, addressSpaceLimit))
            figures.append(AvailableMemory(bytes: left, limit: .addressSpace))
        }
        // Ties go to the machine's figure, the one named before the limit existed.
        return figures.min { $0.bytes < $1.bytes }
    }

    /// This process's figure, read from `/proc`, `/sys/fs/cgroup` and `getrlimit`; nil when
    /// none can be read (not Linux).
    public static func current() -> AvailableMemory? {
        func number(_ path: String) -> Int? {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var memAvailable: Int?
        if let info = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") {
            memAvailable = MemoryEstimate.multiply(kilobytes, 1024)
        }
        var cgroupLeft: Int?
        if let limit = number("/sys/fs/cgroup/memory.max") {
            cgroupLeft = limit - (number("/sys/fs/cgroup/memory.current") ?? 0)
        } else if let limit = number("/sys/fs/cgroup/memory/memory.limit_in_bytes"), limit < Int.max / 2 {
            cgroupLeft = limit - (number("/sys/fs/cgroup/memory/memory.usage_in_bytes") ?? 0)
        }
        return smallest(memAvailable: memAvailable, cgroupLeft: cgroupLeft,
                        addressSpaceLimit: addressSpaceLimit(), virtualSize: virtualSize() ?? 0)
    }

    /// The soft `RLIMIT_AS` in bytes, or nil when there is none.
    static func addressSpaceLimit() -> Int? {
        var limit = rlimit()
        #if os(Linux)
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0 else { return nil }
        #else
        guard getrlimit(RLIMIT_AS, &limit) == 0 else { return nil }
        #endif
        // RLIM_INFINITY is all ones, a C cast Swift does not import.
        guard limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// The process's virtual size in bytes (`/proc/self/statm`'s first field, in pages).
    static func virtualSize() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = Int(text.split(separator: " ").first ?? "") else { return nil }
        return MemoryEstimate.multiply(pages, Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// How a message says it: "this machine has 3.2 GiB available", or "the address-space
    /// limit (ulimit -v) leaves 1.1 GiB available".
    public var sentence: String {
        switch limit {
        case .memory: "this machine has \(MemoryEstimate.describe(bytes)) available"
        case .addressSpace: "the address-space limit (ulimit -v) leaves \(MemoryEstimate.describe(bytes)) available"
        }
    }
}
