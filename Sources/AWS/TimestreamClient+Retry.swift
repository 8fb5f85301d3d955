import CurlHTTP

extension TimestreamClient {
    /// Sends one call per body to `operation` of `api`, in rounds: every round sends the still-pending bodies
    /// together through `transport.sendAll`; each body that failed retryably is sent again in the next round,
    /// after an exponential full-jitter backoff, until it succeeds, fails for good, runs out of attempts, or the
    /// deadline leaves no time. A 421 `InvalidEndpointException` drops the cached endpoint and retries at once.
    /// Returns the 2xx response bodies or errors, in the order of `bodies`.
    /// - Parameters:
    ///   - maxAttempts: attempts per body (≤ 0: bounded only by the deadline, like the Go connector's ≤ 0).
    ///   - tally: the calling request's own counts, besides the client's.
    func performAll(
        _ api: TimestreamAPI, operation: String, bodies: [[UInt8]], credentials: Credentials, deadline: Deadline,
        maxAttempts: Int, maxConcurrent: Int, tally: CallTally?
    ) -> [Result<[UInt8], TimestreamError>] {
        var results = [Result<[UInt8], TimestreamError>?](repeating: nil, count: bodies.count)
        var pending = Array(bodies.indices)
        var lastErrors: [Int: TimestreamError] = [:]
        var attempt = 0
        var sentBefore = [Bool](repeating: false, count: bodies.count)
        var rediscovered = false
        while !pending.isEmpty {
            attempt += 1
            let remaining = deadline.remaining(at: clock.nowMilliseconds())
            guard remaining >= retryPolicy.minimumAttemptMilliseconds else {
                for index in pending {
                    results[index] = .failure(
                        lastErrors[index].map { gaveUp($0, attempts: attempt - 1, because: .deadline) }
                            ?? .deadlineExceeded("\(remaining) ms left before the deadline, no attempt made"))
                }
                break
            }
            let timeout = min(retryPolicy.attemptTimeoutMilliseconds, remaining)
            let roundErrors = sendRound(
                api, operation: operation, indices: pending, bodies: bodies, credentials: credentials,
                timeoutMilliseconds: timeout, deadline: deadline, maxConcurrent: maxConcurrent, tally: tally,
                sentBefore: &sentBefore, results: &results)
            pending = []
            for (index, error) in roundErrors.sorted(by: { $0.key < $1.key }) {
                if error.isRetryable && (maxAttempts <= 0 || attempt < maxAttempts) {
                    pending.append(index)
                    lastErrors[index] = error
                } else {
                    results[index] = .failure(
                        attempt > 1 ? gaveUp(error, attempts: attempt, because: .attempts) : error)
                }
            }
            guard !pending.isEmpty else { break }
            // A stale endpoint is fixed by rediscovery, not by waiting: the first time. An endpoint that stays stale
            // (a fixed endpoint, or discovery answering the same one) backs off like any other failure.
            let rediscoverNow = !rediscovered && pending.allSatisfy { lastErrors[$0]!.isInvalidEndpoint }
            if rediscoverNow { rediscovered = true }
            var delay = rediscoverNow ? 0 : jitter.jitter(upTo: retryPolicy.backoffCeiling(retry: attempt))
            // Never sleep past the deadline: leave room for one more minimal attempt, or stop now.
            let left = deadline.remaining(at: clock.nowMilliseconds()) - retryPolicy.minimumAttemptMilliseconds
            guard left >= 0 else {
                for index in pending {
                    results[index] = .failure(gaveUp(lastErrors[index]!, attempts: attempt, because: .deadline))
                }
                break
            }
            delay = min(delay, left)
            if delay > 0 { clock.sleep(milliseconds: delay) }
        }
        return results.map { $0 ?? .failure(.deadlineExceeded("not attempted")) }
    }

    /// One round: resolve the endpoint, sign and send the bodies at `indices`. Stores successes into `results`
    /// and returns the errors by index. Calls are counted when they are sent, and a call is a retry when its body
    /// went out before (`sentBefore`): a round whose endpoint lookup fails sends nothing and counts nothing.
    /// The calls' timeout is what is left of `timeoutMilliseconds` and of the deadline once the endpoint is known
    /// (a `DescribeEndpoints` spends from both).
    private func sendRound(
        _ api: TimestreamAPI, operation: String, indices: [Int], bodies: [[UInt8]], credentials: Credentials,
        timeoutMilliseconds: Int64, deadline: Deadline, maxConcurrent: Int, tally: CallTally?, sentBefore: inout [Bool],
        results: inout [Result<[UInt8], TimestreamError>?]
    ) -> [Int: TimestreamError] {
        var errors: [Int: TimestreamError] = [:]
        let baseURL: String
        let started = clock.nowMilliseconds()
        switch resolveEndpoint(api, credentials: credentials, timeoutMilliseconds: timeoutMilliseconds) {
        case .failure(let error):
            for index in indices { errors[index] = error }
            return errors
        case .success(let url): baseURL = url
        }
        let now = clock.nowMilliseconds()
        let left = min(timeoutMilliseconds - (now - started), deadline.remaining(at: now))
        guard left >= retryPolicy.minimumAttemptMilliseconds else {
            for index in indices {
                errors[index] = .deadlineExceeded("\(max(left, 0)) ms left after endpoint discovery, no attempt made")
            }
            return errors
        }
        let timeoutMilliseconds = left
        var signer = signer(credentials)
        let requests = indices.map {
            signedRequest(
                operation: operation, baseURL: baseURL, body: bodies[$0], signer: &signer,
                timeoutMilliseconds: timeoutMilliseconds)
        }
        let retried = indices.count { sentBefore[$0] }
        for index in indices { sentBefore[index] = true }
        tally?.record(calls: requests.count, retries: retried)
        let responses =
            requests.count == 1
            ? [transport.send(requests[0])] : transport.sendAll(requests, maxConcurrent: maxConcurrent)
        var staleEndpoint = false
        for (index, response) in zip(indices, responses) {
            switch response {
            case .failure(let error):
                errors[index] = .transport(error)
            case .success(let response) where (200..<300).contains(response.status):
                results[index] = .success(response.body)
            case .success(let response):
                let error = ErrorResponseDecoding.decode(response)
                staleEndpoint = staleEndpoint || error.isInvalidEndpoint
                errors[index] = error
            }
        }
        if responses.count < indices.count {  // a transport that lost requests: never silently succeed
            for index in indices.dropFirst(responses.count) {
                errors[index] = .transport(.other(code: -1, message: "transport returned no result"))
            }
        }
        if staleEndpoint {
            let key = cacheKey(api, credentials)
            endpointCache.withLock { $0.invalidate(key, baseURL: baseURL) }
        }
        return errors
    }

    private enum StopReason { case deadline, attempts }

    /// `error` with a note on why retrying stopped.
    private func gaveUp(_ error: TimestreamError, attempts: Int, because reason: StopReason) -> TimestreamError {
        var error = error
        switch reason {
        case .deadline: error.message += " (gave up after \(attempts) attempt(s): deadline reached)"
        case .attempts: error.message += " (after \(attempts) attempts)"
        }
        return error
    }
}
