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

    /// `request` answered into `sink` by a service on a worker thread, as the answer is produced (a streamed read
    /// goes out while Timestream's pages arrive); the service stays borrowed until the answer is complete. The
    /// call runs to its end even when the awaiting task is cancelled: a write that has started is never cut off
    /// half-way.
    func respond(to request: ServiceRequest, deadline: Deadline, into sink: ResponseStream) async throws
        -> InvocationSummary
    {
        let credentials = self.credentials
        return try await pool.runIfActive {
            let service = try self.borrow()
            defer { self.giveBack(service) }
            return service.respond(to: request, deadline: deadline, credentials: credentials, into: sink)
        }
    }

    private func borrow() throws -> ConnectorService {
        if let service = lock.withLock({ idle.popLast() }) { return service }
        return try makeService()
    }

    private func giveBack(_ service: ConnectorService) { lock.withLock { idle.append(service) } }
}
