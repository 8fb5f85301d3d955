import AWS
import Connector
import CurlHTTP
import NIOConcurrencyHelpers
import NIOPosix

/// Runs the service, which blocks on libcurl, on threads of its own (never on an event loop or Swift's
/// cooperative pool). `TimestreamClient` is not thread-safe, so each request borrows a whole
/// `ConnectorService` (with its own client and connection cache) from a free list and returns it afterwards;
/// services are built on first need, so at most `threads` exist, and each keeps its discovered endpoints and
/// warm connections for the next request.
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
