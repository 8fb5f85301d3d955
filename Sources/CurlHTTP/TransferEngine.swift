import CCurl

/// One curl multi handle plus a pool of idle easy handles: the non-Sendable core of `HTTPClient`, only ever
/// touched by the thread that holds the client's engine lock (the driver), i.e. by one thread at a time.
///
/// Every request — single or batch, from any thread — runs through the multi handle, so all transfers share its
/// connection cache (HTTP/1.1 keep-alive, HTTP/2 multiplexing over https) and DNS cache for the life of the
/// process. The driver runs the transfers of every admitted batch, its own and other threads', until its own
/// batch has finished.
final class TransferEngine {
    /// The multi handle; `curl_multi_wakeup` on it is the only call other threads make (see `HTTPClient`).
    let multi: UnsafeMutableRawPointer
    private let configuration: HTTPClientConfiguration
    private let counters: ClientCounters
    private var idleHandles: [EasyHandle] = []
    /// Admitted, unfinished batches, oldest first (new transfers start in this order).
    private var batches: [Progress] = []
    private var active: [UnsafeMutableRawPointer: Active] = [:]

    init?(configuration: HTTPClientConfiguration, counters: ClientCounters) {
        guard let multi = curl_multi_init() else { return nil }
        self.multi = multi
        self.configuration = configuration
        self.counters = counters
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, configuration.maxCachedConnections))
    }

    deinit {
        idleHandles.removeAll()  // easy handles first: none is attached to the multi handle any more
        curl_multi_cleanup(multi)  // closes the cached connections
    }

    /// A batch's bookkeeping while it runs: which request starts next, how many are in flight, the outcomes.
    private final class Progress {
        let batch: TransferBatch
        var next = 0
        var inFlight = 0
        var results: [Result<HTTPResponse, TransportError>?]
        var remaining: Int

        init(_ batch: TransferBatch) {
            self.batch = batch
            results = Array(repeating: nil, count: batch.requests.count)
            remaining = batch.requests.count
        }
    }

    /// A transfer libcurl is running, with its handle and the batch it belongs to.
    private struct Active {
        let handle: EasyHandle
        let transfer: Transfer
        let progress: Progress
    }

    /// Runs transfers until `stop()` holds (checked whenever transfers have finished). Each round first admits
    /// the batches `intake()` returns (submitted by other threads meanwhile), and `finished` receives every
    /// batch whose requests all have an outcome. Sleeps in `curl_multi_poll`, which `curl_multi_wakeup` (a new
    /// submission) or a ready socket or libcurl's next timer ends.
    func drive(
        intake: () -> [TransferBatch], finished: (TransferBatch, [Result<HTTPResponse, TransportError>]) -> Void,
        until stop: () -> Bool
    ) {
        while true {
            for batch in intake() { batches.append(Progress(batch)) }
            startMore(finished: finished)
            if stop() { return }
            var running: Int32 = 0
            let performCode = curl_multi_perform(multi, &running)
            if performCode != CURLM_OK {
                // Only out-of-memory or a libcurl bug get here; fail what is in flight, keep the client usable.
                let message = String(cString: curl_multi_strerror(performCode))
                for (raw, entry) in active {
                    curl_multi_remove_handle(multi, raw)
                    idleHandles.append(entry.handle)
                    record(.failure(.other(code: Int(performCode.rawValue), message: message)), entry.transfer.index,
                        of: entry.progress, finished: finished)
                }
                active.removeAll()
                continue
            }
            var finishedAny = false
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle,
                    let entry = active.removeValue(forKey: raw)
                else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, raw)  // the connection returns to the multi's cache
                record(finish(entry, code: code), entry.transfer.index, of: entry.progress, finished: finished)
                idleHandles.append(entry.handle)
                finishedAny = true
            }
            if !finishedAny {
                // Sleeps until a socket is ready, libcurl's next timer (connect/total timeouts) is due, or another
                // thread submitted a batch.
                _ = curl_multi_poll(multi, nil, 0, 1_000, nil)
            }
        }
    }

    /// Starts transfers, oldest batch first, each batch up to its own `maxConcurrent`.
    private func startMore(finished: (TransferBatch, [Result<HTTPResponse, TransportError>]) -> Void) {
        var position = 0
        while position < batches.count {
            let progress = batches[position]
            while progress.inFlight < progress.batch.maxConcurrent && progress.next < progress.batch.requests.count {
                let index = progress.next
                progress.next += 1
                switch start(
                    progress.batch.requests[index], body: progress.batch.bodies[index], index: index,
                    waitedMilliseconds: TransferBatch.monotonicMilliseconds() - progress.batch.submittedMilliseconds)
                {
                case .success(let started):
                    active[started.handle.raw] = Active(handle: started.handle, transfer: started.transfer, progress: progress)
                    progress.inFlight += 1
                    counters.requestsSent.add(1, ordering: .relaxed)
                case .failure(let error):
                    progress.inFlight += 1  // `record` counts it back down
                    record(.failure(error), index, of: progress, finished: finished)
                }
            }
            position += 1
        }
        batches.removeAll { $0.remaining == 0 }
    }

    /// Stores one outcome; hands the batch to `finished` when it was the last one.
    private func record(
        _ result: Result<HTTPResponse, TransportError>, _ index: Int, of progress: Progress,
        finished: (TransferBatch, [Result<HTTPResponse, TransportError>]) -> Void
    ) {
        if case .failure = result { counters.transportErrors.add(1, ordering: .relaxed) }
        progress.results[index] = result
        progress.inFlight -= 1
        progress.remaining -= 1
        if progress.remaining == 0 {
            finished(progress.batch, progress.results.map { $0 ?? .failure(.other(code: -1, message: "transfer never ran")) })
        }
    }

    /// `waitedMilliseconds`: since the batch was submitted, which the request's timeout has spent already.
    private func start(
        _ request: HTTPRequest, body: UnsafeRawBufferPointer, index: Int, waitedMilliseconds: Int
    ) -> Result<(handle: EasyHandle, transfer: Transfer), TransportError> {
        if let problem = request.validationProblem { return .failure(.invalidRequest(problem)) }
        var request = request
        if let timeout = request.timeoutMilliseconds {
            guard timeout > 0 else { return .failure(.timeout("deadline already passed before sending")) }
            guard timeout > waitedMilliseconds else {
                return .failure(.timeout("the \(timeout) ms timeout ran out while the request waited \(waitedMilliseconds) ms to be sent"))
            }
            request.timeoutMilliseconds = timeout - waitedMilliseconds
        }
        let handle: EasyHandle
        if let idle = idleHandles.popLast() {
            handle = idle
        } else {
            switch EasyHandle.make(configuration: configuration) {
            case .success(let made): handle = made
            case .failure(let error): return .failure(error)
            }
        }
        let transfer = Transfer(index: index, maxBodyBytes: configuration.maxResponseBodyBytes)
        if let error = handle.prepare(request, body: body, transfer: transfer) {
            idleHandles.append(handle)
            return .failure(error)
        }
        let addCode = curl_multi_add_handle(multi, handle.raw)
        guard addCode == CURLM_OK else {
            idleHandles.append(handle)
            return .failure(.other(code: Int(addCode.rawValue), message: String(cString: curl_multi_strerror(addCode))))
        }
        return .success((handle, transfer))
    }

    private func finish(_ entry: Active, code: CURLcode) -> Result<HTTPResponse, TransportError> {
        let handle = entry.handle
        counters.connectionsOpened.add(handle.getLong(CURLINFO_NUM_CONNECTS), ordering: .relaxed)
        if entry.transfer.bodyLimitExceeded {
            return .failure(.other(
                code: Int(code.rawValue),
                message: "response body exceeds \(configuration.maxResponseBodyBytes) bytes"))
        }
        guard code == CURLE_OK else { return .failure(TransportError(curlCode: code, detail: handle.errorDetail)) }
        return .success(entry.transfer.response(status: handle.getLong(CURLINFO_RESPONSE_CODE)))
    }
}
