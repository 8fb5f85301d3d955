import AWS
import Synchronization

/// A provider's credentials, kept and refreshed ahead of their expiration. `current()` never waits while the
/// kept credentials are valid: from `refreshMargin` before the expiration a background refresh starts (one at a
/// time) and the old credentials keep serving until new ones arrive. Only when none are kept, or they are within
/// `expirySafety` of expiring (every background refresh failed), does a request fetch itself; no request waits
/// for another's fetch (it signs with the kept keys until they expire, else fails at once). The source is asked
/// at most once per `retryAfterFailure` on any path: after a failed fetch requests get its error at once (or the
/// kept keys while they have not expired) instead of each waiting for an unreachable source, and when the source
/// answers with the same keys near their expiry (a caching `credential_process`, a degraded IMDS) they are used
/// until they expire instead of asking again on every request. Keys already expired when fetched are a failure.
///
/// A statically stable source (instance metadata) is used as the AWS SDKs use it: when it fails with the kept
/// keys less than five minutes from being usable no more, or hands out keys already expired, those keys are used
/// until a random 5 to 15 minutes later (`extendedUntil`; then again, as long as it fails) — Timestream accepts
/// recently expired instance keys, and an IMDS outage then does not stop the writes. The refresh keeps going by the
/// keys' own expiration (in the background every `retryAfterFailure`), so new keys replace them as soon as the
/// source answers again; each extension is reported through `warn`.
public final class RefreshingCredentials: Sendable {
    static let refreshMarginMilliseconds: Int64 = 5 * 60_000
    static let expirySafetyMilliseconds: Int64 = 60_000
    static let retryAfterFailureMilliseconds: Int64 = 10_000
    /// How long statically stable keys are used past a failure or an expiration (the SDKs' range).
    static let staticStabilityMilliseconds: Range<Int64> = 5 * 60_000..<15 * 60_000

    let provider: any CredentialProvider
    private let now: @Sendable () -> Int64
    private let startInBackground: @Sendable (@escaping @Sendable () -> Void) -> Void
    private let warn: @Sendable (String) -> Void
    private let extensionMilliseconds: @Sendable () -> Int64
    private let state = Mutex(State())
    /// Held for the duration of a fetch, so a source is never asked twice at once.
    private let fetching = Mutex(())

    private struct State {
        var kept: ExpiringCredentials?
        var refreshing = false
        var nextBackgroundAttempt: Int64 = .min
        var lastError: CredentialProviderError?
        /// When the source was last asked (either outcome).
        var lastAttempt: Int64 = .min
        /// Until when statically stable keys are used past a failure or their expiration.
        var extendedUntil: Int64?

        /// Until when `kept` may sign (nil: never expires), given its expiration.
        func usableUntil(_ expiration: Int64) -> Int64 { max(expiration, extendedUntil ?? .min) }
    }

    /// - Parameters:
    ///   - now: epoch milliseconds (a fake clock in tests).
    ///   - startInBackground: runs a refresh without blocking the caller (`BackgroundThread.start`; tests run
    ///     the work when they choose).
    ///   - warn: told each time statically stable keys are used past a failure or their expiration (a log line).
    ///   - extensionMilliseconds: how long such keys are used (random in `staticStabilityMilliseconds`; fixed in tests).
    public init(
        provider: any CredentialProvider, now: @escaping @Sendable () -> Int64,
        startInBackground: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void = BackgroundThread.start,
        warn: @escaping @Sendable (String) -> Void = { _ in },
        extensionMilliseconds: (@Sendable () -> Int64)? = nil
    ) {
        self.provider = provider
        self.now = now
        self.startInBackground = startInBackground
        self.warn = warn
        self.extensionMilliseconds = extensionMilliseconds ?? { Int64.random(in: Self.staticStabilityMilliseconds) }
    }

    /// Valid credentials, or why there are none (the source named).
    public func current() -> Result<Credentials, CredentialProviderError> {
        let time = now()
        let decision = state.withLock { state -> Decision in
            guard let kept = state.kept else { return .fetchNow }
            guard let expiration = kept.expirationEpochMilliseconds else { return .use(kept.credentials) }
            if time >= state.usableUntil(expiration) - Self.expirySafetyMilliseconds { return .fetchNow }
            if time >= expiration - Self.refreshMarginMilliseconds, !state.refreshing,
                time >= state.nextBackgroundAttempt
            {
                state.refreshing = true
                return .useAndRefresh(kept.credentials)
            }
            return .use(kept.credentials)
        }
        switch decision {
        case .use(let credentials): return .success(credentials)
        case .useAndRefresh(let credentials):
            startInBackground { [self] in self.refreshInBackground(requestedAt: time) }
            return .success(credentials)
        case .fetchNow: return fetchNow()
        }
    }

    private enum Decision {
        case use(Credentials)
        case useAndRefresh(Credentials)
        case fetchNow
    }

    /// Fetches unless another caller's fetch, finished meanwhile, already left usable credentials. Never waits for
    /// another caller's fetch (a background refresh, or a `credential_process` that may take up to a minute): while
    /// one runs, a request signs with the kept keys if they have not expired, else gets a failure at once (503:
    /// Prometheus retries) — a hung source holds the one thread that asked it, not every worker.
    private func fetchNow() -> Result<Credentials, CredentialProviderError> {
        if let result = fetching.withLockIfAvailable({ _ in fetchHoldingTheLock() }) { return result }
        if let kept = stillSigning(at: now()) { return .success(kept) }
        return .failure(
            CredentialProviderError(
                source: provider.name, reason: "no usable credentials while another request fetches them (the source is slow to answer); retry"))
    }

    private func fetchHoldingTheLock() -> Result<Credentials, CredentialProviderError> {
        let time = now()
        let (kept, usableUntil, lastError, lastAttempt) = state.withLock { state in
            (state.kept, state.kept?.expirationEpochMilliseconds.map(state.usableUntil), state.lastError, state.lastAttempt)
        }
        if let kept, usableUntil.map({ time < $0 - Self.expirySafetyMilliseconds }) ?? true {
            return .success(kept.credentials)
        }
        let stillSigning = kept.flatMap { kept in usableUntil.map { time < $0 } ?? true ? kept.credentials : nil }
        if time < lastAttempt + Self.retryAfterFailureMilliseconds {
            // The source was just asked: its answer stands (its keys while they sign, else its error).
            if let stillSigning { return .success(stillSigning) }
            if let lastError { return .failure(lastError) }
        }
        let fetched = store(Result { () throws(CredentialProviderError) in try provider.fetch() }).map(\.credentials)
        if case .failure = fetched, let stillSigning, now() < usableUntil ?? .max {
            return .success(stillSigning)  // the kept keys have not expired yet: better than a 503
        }
        return fetched
    }

    /// The kept keys, unless they have expired (past any static-stability extension).
    private func stillSigning(at time: Int64) -> Credentials? {
        state.withLock { state in
            guard let kept = state.kept else { return nil }
            guard let expiration = kept.expirationEpochMilliseconds else { return kept.credentials }
            return time < state.usableUntil(expiration) ? kept.credentials : nil
        }
    }

    /// A refresh asked for at `requestedAt`: skipped when a request's fetch answered meanwhile.
    private func refreshInBackground(requestedAt: Int64) {
        fetching.withLock { _ in
            let answeredSince = state.withLock { state in
                if state.lastAttempt >= requestedAt { state.refreshing = false }
                return state.lastAttempt >= requestedAt
            }
            if !answeredSince { _ = store(Result { () throws(CredentialProviderError) in try provider.fetch() }) }
        }
    }

    /// Keeps a fetched value; after a failure keeps the old credentials (still valid or not) and schedules the
    /// next background attempt.
    private func store(
        _ result: Result<ExpiringCredentials, CredentialProviderError>
    ) -> Result<ExpiringCredentials, CredentialProviderError> {
        let time = now()
        var result = result
        var arrivedExpired: CredentialProviderError? = nil
        if case .success(let fresh) = result, let expiration = fresh.expirationEpochMilliseconds, expiration <= time {
            arrivedExpired = CredentialProviderError(
                source: provider.name, reason: "the credentials it returned expired at epoch ms \(expiration)")
            if !provider.isStaticallyStable { result = .failure(arrivedExpired!) }
        }
        var extended: (until: Int64, because: CredentialProviderError)? = nil
        defer {
            if let extended {
                warn("\(extended.because); its keys are used until epoch ms \(extended.until) (static stability, as the AWS SDKs) and the source is asked again every \(Self.retryAfterFailureMilliseconds / 1000) s meanwhile")
            }
        }
        return state.withLock { state in
            state.refreshing = false
            state.lastAttempt = time
            switch result {
            case .success(let fresh):
                // Keys inside the refresh margin as they arrive (the same ones again, or new ones that live less
                // than the margin): the source has nothing better now, so it is asked again only after
                // `retryAfterFailure`, not on the next request.
                let nearExpiry = fresh.expirationEpochMilliseconds.map { time >= $0 - Self.refreshMarginMilliseconds } ?? false
                // The same expired keys again keep their extension while it has more than the margin left.
                let keepsExtension = state.kept == fresh
                    && state.extendedUntil.map { $0 >= time + Self.refreshMarginMilliseconds } == true
                state.kept = fresh
                state.lastError = arrivedExpired
                if !keepsExtension { state.extendedUntil = nil }
                state.nextBackgroundAttempt = nearExpiry ? time + Self.retryAfterFailureMilliseconds : .min
                if let arrivedExpired, !keepsExtension {  // only a statically stable source's keys get here
                    state.extendedUntil = time + extensionMilliseconds()
                    extended = (state.extendedUntil!, arrivedExpired)
                }
            case .failure(let error):
                state.lastError = error
                state.nextBackgroundAttempt = time + Self.retryAfterFailureMilliseconds
                if provider.isStaticallyStable, let kept = state.kept, let expiration = kept.expirationEpochMilliseconds,
                    state.usableUntil(expiration) < time + Self.refreshMarginMilliseconds
                {
                    state.extendedUntil = time + extensionMilliseconds()
                    extended = (state.extendedUntil!, error)
                    return .success(kept)
                }
            }
            return result
        }
    }

    /// Until when the kept keys sign (for tests).
    var keptUsableUntil: Int64? { state.withLock { state in state.kept?.expirationEpochMilliseconds.map(state.usableUntil) } }

    /// The last fetch's failure, if the last fetch failed, or why its keys were taken expired (for tests).
    var lastError: CredentialProviderError? { state.withLock { $0.lastError } }
}

extension RefreshingCredentials {
    /// `current()` in the shape the service's `CredentialSource.provider` takes: a failure is `.unavailable`
    /// (503, retried by Prometheus) with the source and its reason.
    public var provide: @Sendable () -> Result<Credentials, CredentialsError> {
        { [self] in self.current().mapError { .unavailable("\($0)") } }
    }
}
