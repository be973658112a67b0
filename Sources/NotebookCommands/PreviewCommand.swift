import ArgumentParser
import FlyingFox
import FlyingSocks
import Foundation
import Notebook
import Site

/// `notebook preview vae.md`: run, serve on 127.0.0.1, and re-run through the cache on save.
public struct PreviewCommand: ReportingCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Run a notebook (or every notebook of a folder), serve its pages and re-run it on every save.",
        discussion: """
            The pages are served on 127.0.0.1 only, and reload in the browser when the notebook \
            or a file it reads changes; only blocks that changed run again. An error is shown in \
            the page, above the last good outputs. Ctrl-C stops the preview. Nothing is written \
            to the site folder: 'notebook run' publishes. Requests must name the preview as \
            127.0.0.1:PORT, localhost:PORT or [::1]:PORT in their Host header, or a name given \
            with --allow-host; other requests are refused, so that no other site's page can \
            read the preview.
            """)

    @Argument(help: "The Markdown notebook, or a folder of notebooks, to preview.")
    public var notebook: String

    // ArgumentParser adds "(default: 4848)" itself.
    @Option(name: .customLong("port"), help: "The port to serve on; 0 picks a free one.")
    public var port: Int = 4848

    @Option(name: .customLong("allow-host"), help: ArgumentHelp(
        "Also answer requests whose Host header names this host, with any port or none, such as the name of a "
            + "proxy in front of the preview. Repeatable.", valueName: "name"))
    public var allowHosts: [String] = []

    @OptionGroup public var parameters: ParameterOptions
    @OptionGroup public var runner: RunnerOptions<FixedThreads>
    @OptionGroup public var cache: CacheOptions
    @OptionGroup public var confinement: ConfinementOptions

    public func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        for name in allowHosts {
            if let problem = AllowedHosts.problem(with: name) { throw ValidationError(problem) }
        }
    }

    public func execute() throws -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: notebook, isDirectory: &isFolder) else {
            throw CommandFailure.usage("\(notebook): error: no such file or folder")
        }
        let paths = isFolder.boolValue ? try NotebookFolder.notebooks(in: notebook).paths : [notebook]
        let cacheOptions = cache
        // A cache folder the tool may not use (a link, a folder it did not make) stops the
        // preview before it serves anything, as it stops `run`; each rebuild opens it again (it may have been removed meanwhile).
        for path in paths { _ = try cacheOptions.cache(forNotebook: path) }
        let session = PreviewSession(notebooks: paths, overrides: try parameters.overrides(),
                                     allowedOutside: confinement.folders,
                                     threads: runner.threadCount, quiet: runner.quiet,
                                     cacheFor: { try cacheOptions.cache(forNotebook: $0) })
        session.rebuild()

        // The HTTP server listens on a Unix socket in a folder only this user can enter; the
        // gate on 127.0.0.1 checks each request before passing it on (see PreviewGate).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notebook-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let socketPath = folder.appendingPathComponent("server.sock").path
        let gate: PreviewGate
        do {
            gate = try PreviewGate(port: port, upstream: socketPath, allowedHosts: allowHosts)
        } catch {
            throw CommandFailure.usage("error: \(error)")
        }
        defer { gate.stop() }
        let server = HTTPServer(address: .unix(path: socketPath), logger: .disabled)
        guard PreviewServer.start(server, session: session) != nil else {
            throw CommandFailure.usage("error: cannot start the preview's server on \(socketPath)")
        }
        gate.start()
        let boundPort = gate.port
        let first = SitePublisher.pageName(forNotebook: paths[0])
        // The URL on standard output, so a script (or a test) can read it.
        FileHandle.standardOutput.write(Data("Previewing at http://127.0.0.1:\(boundPort)/\(first)  (Ctrl-C stops)\n".utf8))

        let watcher = Thread {
            var watch = FileWatch()
            _ = watch.changed(session.watchedFiles)
            while true {
                Thread.sleep(forTimeInterval: 0.3)
                if watch.changed(session.watchedFiles) {
                    session.rebuild()
                    _ = watch.changed(session.watchedFiles)
                }
            }
        }
        watcher.start()
        Interrupt.wait()
        PreviewServer.stop(server)
        return "preview stopped"
    }
}

/// Runs FlyingFox's server for the preview: the pages, the stylesheet and the version the
/// reload script polls.
enum PreviewServer {
    /// Starts `server` on a task of its own; returns the address it listens on, or nil.
    static func start(_ server: HTTPServer, session: PreviewSession) -> Socket.Address? {
        let ready = DispatchSemaphore(value: 0)
        let address = AddressBox()
        Task {
            await server.appendRoute(HTTPRoute("GET \(PreviewDecoration.versionPath)")) { _ in
                response(String(session.currentVersion), type: "text/plain; charset=utf-8")
            }
            await server.appendRoute("GET *") { (request: HTTPRequest) -> HTTPResponse in
                let name = String(request.path.drop { $0 == "/" })
                if let page = session.page(name) {
                    return response(page, type: name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8")
                }
                switch session.image(name.removingPercentEncoding ?? name) {
                case .bytes(let image)?:
                    return HTTPResponse(statusCode: .ok, headers: [.contentType: imageType(name),
                                                                   HTTPHeader("Cache-Control"): "no-store"],
                                        body: image)
                case .missing(let reason)?:
                    return HTTPResponse(statusCode: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                        body: Data((reason + "\n").utf8))
                case .refused(let reason)?:
                    return HTTPResponse(statusCode: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                                        body: Data((reason + "\n").utf8))
                case nil:
                    return HTTPResponse(statusCode: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                        body: Data("no such page\n".utf8))
                }
            }
            let task = Task { try await server.run() }
            do {
                try await server.waitUntilListening(timeout: 10)
                address.value = await server.listeningAddress
            } catch {
                task.cancel()
            }
            ready.signal()
            _ = await task.result
        }
        ready.wait()
        return address.value
    }

    static func stop(_ server: HTTPServer) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await server.stop(timeout: 1)
            done.signal()
        }
        done.wait()
    }

    /// The media type of an image file by its extension.
    private static func imageType(_ name: String) -> String {
        switch URL(fileURLWithPath: name).pathExtension.lowercased() {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "svg": "image/svg+xml"
        case "webp": "image/webp"
        case "csv": "text/csv; charset=utf-8"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }

    private static func response(_ text: String, type: String) -> HTTPResponse {
        HTTPResponse(statusCode: .ok, headers: [.contentType: type, HTTPHeader("Cache-Control"): "no-store"],
                     body: Data(text.utf8))
    }

    private final class AddressBox: @unchecked Sendable {
        var value: Socket.Address?
    }
}

/// Waiting for Ctrl-C (SIGINT) or SIGTERM on the calling thread.
///
/// The handler writes one byte to a pipe (async-signal-safe) that the caller reads, so it
/// works whichever thread the kernel picks, and the signals are unblocked on the calling
/// thread first: a parent may start us with them blocked (a test runner's thread does),
/// and then the interrupt would never arrive.
enum Interrupt {
    nonisolated(unsafe) private static var writeEnd: Int32 = -1

    static func wait() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return }
        writeEnd = ends[1]
        let handler: @convention(c) (Int32) -> Void = { _ in
            var byte: UInt8 = 1
            _ = write(Interrupt.writeEnd, &byte, 1)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        var byte: UInt8 = 0
        while read(ends[0], &byte, 1) < 0 && errno == EINTR {}
    }
}
