import AWS
import Connector
import CurlHTTP
import NIOConcurrencyHelpers
import NIOPosix

/// Runs the service, which blocks on libcurl, on threads of its own (never on an event loop or Swift's
/// cooperative pool). Each request borrows a whole `ConnectorService` (with its own client and connection cache)
/// from a free list and returns it afterwards; services are built on first need, so at most `threads` exist, and
/// each keeps its discovered endpoints and warm connections for the next request.
///
/// Why not one shared service, when `ConnectorService` and `HTTPClient` are thread-safe (the Lambda function's
/// loops share one): measured with `scripts/bench-standalone` (BENCHMARKS.md, "One client for all workers"), one
/// client shared by 16 workers cost as much or more CPU per sample and twice the RSS at 64 writes in flight;
/// with `MALLOC_ARENA_MAX=2` most of that RSS went, so it is glibc's per-thread arenas holding memory that one
/// thread allocated and another freed.
final class ServiceWorkers: @unchecked Sendable {
    private let pool: NIOThreadPool
    private let makeService: @Sendable () throws -> ConnectorService
    private let credentials: CredentialSource
    private let lock = NIOLock()
    /// Services not in use; guarded by `lock`.
    private var idle: [ConnectorService] = []

    init(threads: Int, credentials: CredentialSource, makeService: @escaping @Sendable () throws -> ConnectorService) {
        self.pool = NIOThreadPool(numberOfThreads: threads)
        self.credentials = credentials
        self.makeService = makeService
    }

    func start() { pool.start() }

    /// Waits for the requests in flight, then stops the threads.
    func shutdown() async throws { try await pool.shutdownGracefully() }

    /// Starts answering `request` into `stream` on a worker thread and returns at once; the service produces the
    /// answer there (a streamed read goes out while Timestream's pages arrive), gives the service back, calls
    /// `done`, and ends `stream` with its summary (`ResponseStream.finish(summary:)`), which the connection's task
    /// awaits. The work runs to its end even when that task is cancelled: a write that has started is never cut off
    /// half-way. When the pool is stopping the stream ends without an answer; when no service can be made, with a
    /// 503 naming why.
    ///
    /// No task of its own: the work item is handed to the pool straight from the connection's task, and the answer
    /// comes back through the stream, so a request crosses threads twice (to the worker, back to its task), not also
    /// into an extra `Task` and back through `runIfActive`'s continuation: each crossing can wake an idle core.
    func start(
        _ request: ServiceRequest, deadline: Deadline, into stream: ResponseStream,
        then done: @escaping @Sendable () -> Void
    ) {
        let credentials = self.credentials
        pool.submit { state in
            var summary: InvocationSummary? = nil
            if case .active = state {
                do {
                    let service = try self.borrow()
                    summary = service.respond(to: request, deadline: deadline, credentials: credentials, into: stream)
                    self.giveBack(service)
                } catch {
                    // No service for it (its HTTP client could not be made: out of descriptors or memory): a 503
                    // that says why, logged by the front door as any answer.
                    try? stream.start(.retryLater(
                        "the connector could not set up a Timestream client for this request (\(error)): retry"))
                }
            }
            done()
            stream.finish(summary: summary)
        }
    }

    private func borrow() throws -> ConnectorService {
        if let service = lock.withLock({ idle.popLast() }) { return service }
        return try makeService()
    }

    private func giveBack(_ service: ConnectorService) { lock.withLock { idle.append(service) } }
}
