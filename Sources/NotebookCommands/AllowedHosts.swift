import Foundation

/// The `Host` a request to the preview must name: the loopback address it listens on, or a
/// name the user allowed with `--allow-host`.
///
/// A page from another site can point its own name at 127.0.0.1 (DNS rebinding) and then
/// read the preview as if it were its own origin; the browser still sends that site's name
/// as `Host`, so refusing unknown names stops it. The loopback names must carry the port the
/// preview listens on, as a browser sends it. An allowed name is taken with any port or none:
/// behind a proxy the port is the proxy's (none at all on 80 or 443), and the name alone is
/// what the user vouched for.
struct AllowedHosts: Equatable {
    /// The port the preview listens on.
    var port: Int
    /// `--allow-host` names, lowercased.
    var names: [String]

    init(port: Int, names: [String] = []) {
        self.port = port
        self.names = names.map { $0.lowercased() }
    }

    /// The loopback hosts, with the port, that are always accepted.
    var loopback: [String] { ["127.0.0.1", "localhost", "[::1]"].map { "\($0):\(port)" } }

    /// Nil when `head` names an accepted host; otherwise the refusal to send.
    func refusal(for head: RequestHead) -> RequestHead.Refusal? {
        let hosts = head.values(of: "Host")
        guard hosts.count <= 1 else {
            return RequestHead.Refusal(status: 400, reason: "the request has more than one Host header")
        }
        guard let host = hosts.first, !host.isEmpty else {
            return RequestHead.Refusal(status: 403, reason: "the request has no Host header; \(accepted)")
        }
        if accepts(host) { return nil }
        let shown = host.count > 100 ? String(host.prefix(100)) + "…" : host
        return RequestHead.Refusal(status: 403, reason: "host '\(shown)' is not allowed; \(accepted)")
    }

    /// Whether the `Host` value `host` is accepted.
    func accepts(_ host: String) -> Bool {
        let host = host.lowercased()
        if loopback.contains(host) { return true }
        return names.contains { name in
            guard host.hasPrefix(name) else { return false }
            let rest = host.dropFirst(name.count)
            return rest.isEmpty || (rest.first == ":" && rest.count > 1 && rest.dropFirst().allSatisfy(\.isASCIIDigit))
        }
    }

    /// What the preview answers to, for the refusal's message.
    private var accepted: String {
        "the preview answers to " + (loopback + names).joined(separator: ", ")
            + (names.isEmpty ? " (allow another name with --allow-host NAME)" : "")
    }

    /// Why `name` cannot be an `--allow-host` value, or nil when it can: a host name or
    /// address as it appears in `Host` before the port (an IPv6 address in brackets).
    static func problem(with name: String) -> String? {
        if name.isEmpty { return "--allow-host needs a host name" }
        if name.hasPrefix("[") {
            let inside = name.dropFirst().dropLast()
            guard name.hasSuffix("]"), !inside.isEmpty, inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return "--allow-host \(name): an IPv6 address is written in brackets, such as [fd00::1]"
            }
            return nil
        }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }) else {
            return "--allow-host \(name): give a host name only, such as example.test "
                + "(no scheme, port or path; the port is not checked for allowed names)"
        }
        return nil
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
