import CCurl

/// One curl multi handle plus a pool of idle easy handles: the non-Sendable core of `HTTPClient`, only ever
/// touched under the client's lock, i.e. by one thread at a time.
///
/// Every request — single or batch — runs through the multi handle, so all transfers share its connection
/// cache (HTTP/1.1 keep-alive, HTTP/2 multiplexing over https) and DNS cache for the life of the process.
final class TransferEngine {
    private let multi: UnsafeMutableRawPointer
    private let configuration: HTTPClientConfiguration
    private var idleHandles: [EasyHandle] = []

    init?(configuration: HTTPClientConfiguration) {
        guard let multi = curl_multi_init() else { return nil }
        self.multi = multi
        self.configuration = configuration
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, configuration.maxCachedConnections))
    }

    deinit {
        idleHandles.removeAll()  // easy handles first: none is attached to the multi handle any more
        curl_multi_cleanup(multi)  // closes the cached connections
    }

    /// A transfer libcurl is running, with its handle.
    private struct Active {
        let handle: EasyHandle
        let transfer: Transfer
    }

    /// Runs `requests` with at most `maxConcurrent` in flight and returns their outcomes in input order.
    func run(
        _ requests: [HTTPRequest], maxConcurrent: Int, counters: ClientCounters
    ) -> [Result<HTTPResponse, TransportError>] {
        var results = [Result<HTTPResponse, TransportError>?](repeating: nil, count: requests.count)
        var active: [UnsafeMutableRawPointer: Active] = [:]
        var next = 0
        let limit = max(1, maxConcurrent)

        func fail(_ index: Int, _ error: TransportError) {
            results[index] = .failure(error)
            counters.transportErrors.add(1, ordering: .relaxed)
        }
        func startMore() {
            while active.count < limit && next < requests.count {
                let index = next
                next += 1
                switch start(requests[index], index: index) {
                case .success(let started):
                    active[started.handle.raw] = started
                    counters.requestsSent.add(1, ordering: .relaxed)
                case .failure(let error): fail(index, error)
                }
            }
        }

        startMore()
        while !active.isEmpty {
            var running: Int32 = 0
            let performCode = curl_multi_perform(multi, &running)
            if performCode != CURLM_OK {
                // Only out-of-memory or a libcurl bug get here; fail what is in flight, keep the client usable.
                let message = String(cString: curl_multi_strerror(performCode))
                for (raw, entry) in active {
                    curl_multi_remove_handle(multi, raw)
                    idleHandles.append(entry.handle)
                    fail(entry.transfer.index, .other(code: Int(performCode.rawValue), message: message))
                }
                active.removeAll()
                startMore()
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
                results[entry.transfer.index] = finish(entry, code: code, counters: counters)
                if case .failure = results[entry.transfer.index] {
                    counters.transportErrors.add(1, ordering: .relaxed)
                }
                idleHandles.append(entry.handle)
                finishedAny = true
            }
            if finishedAny {
                startMore()  // refill first, then perform again without waiting
            } else if !active.isEmpty {
                // Sleeps until a socket is ready or libcurl's next timer (connect/total timeouts) is due.
                _ = curl_multi_poll(multi, nil, 0, 1_000, nil)
            }
        }
        return results.map { $0 ?? .failure(.other(code: -1, message: "transfer never ran")) }
    }

    private func start(_ request: HTTPRequest, index: Int) -> Result<Active, TransportError> {
        if let problem = request.validationProblem { return .failure(.invalidRequest(problem)) }
        if let timeout = request.timeoutMilliseconds, timeout <= 0 {
            return .failure(.timeout("deadline already passed before sending"))
        }
        guard let handle = idleHandles.popLast() ?? EasyHandle() else {
            return .failure(.other(code: -1, message: "curl_easy_init failed"))
        }
        let transfer = Transfer(index: index, maxBodyBytes: configuration.maxResponseBodyBytes)
        if let error = handle.prepare(request, transfer: transfer, configuration: configuration) {
            idleHandles.append(handle)
            return .failure(error)
        }
        let addCode = curl_multi_add_handle(multi, handle.raw)
        guard addCode == CURLM_OK else {
            idleHandles.append(handle)
            return .failure(.other(code: Int(addCode.rawValue), message: String(cString: curl_multi_strerror(addCode))))
        }
        return .success(Active(handle: handle, transfer: transfer))
    }

    private func finish(_ entry: Active, code: CURLcode, counters: ClientCounters) -> Result<HTTPResponse, TransportError> {
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
