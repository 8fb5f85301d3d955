import AWS
import CurlHTTP
import Synchronization

/// Checks a request's `Authorization: Bearer <token>` against the tokens the operator stored (the function's token
/// mode: Prometheus holds a token, not an IAM key, and the function writes with its own role). The tokens are
/// loaded once (at cold start), compared in constant time, and reloaded after a mismatch at most once per
/// `reloadIntervalMilliseconds`, so a rotated secret takes effect on warm functions within a minute while wrong
/// tokens cannot make the function call Secrets Manager more often than that. A token is refused (401) only
/// against tokens known to be current: while the secret cannot be read, is being read by another request, or holds
/// none, the answer is 503 (the token may be a new value: Prometheus must not drop the batch), and Secrets Manager
/// is asked at most once per `retryIntervalMilliseconds`, by one request — so neither an outage nor a flood of
/// requests turns into a Secrets Manager call per request. Thread-safe.
public final class BearerTokenGate: Sendable {
    static let reloadIntervalMilliseconds: Int64 = 60_000
    /// Matches the `Retry-After` of the 503 answered while no token is loaded.
    static let retryIntervalMilliseconds: Int64 = 5_000

    /// Where the tokens are kept, for messages (e.g. the secret's ARN); never a token.
    let origin: String
    private let load: @Sendable () -> Result<[String], SecretsManagerError>
    private let now: @Sendable () -> Int64
    private let state = Mutex(State())

    private struct State {
        var tokens: [[UInt8]] = []
        /// When the tokens were last read successfully.
        var loadedAt: Int64? = nil
        /// When a read last started, and why it failed (nil: it did not).
        var attemptedAt: Int64? = nil
        var failure: SecretsManagerError? = nil
    }

    /// - Parameter load: the tokens currently accepted (the secret's current value, and its previous one while a
    ///   rotation is under way).
    public init(
        origin: String, now: @escaping @Sendable () -> Int64,
        load: @escaping @Sendable () -> Result<[String], SecretsManagerError>
    ) {
        self.origin = origin
        self.now = now
        self.load = load
    }

    /// Loads the tokens now (cold start); the error, if any, is the caller's to log. Requests retry the load.
    @discardableResult
    public func preload() -> SecretsManagerError? {
        if case .failure(let error) = reload() { return error }
        return nil
    }

    /// `nil` when `authorization` carries an accepted token; otherwise the refusal (401, or 503 when the tokens
    /// cannot be read).
    func refusal(_ authorization: String?) -> Refusal? {
        guard let authorization, !authorization.isEmpty else {
            return Self.unauthorized(
                "missing Authorization header: set authorization.credentials_file in prometheus.yml to a file holding the token of \(origin)")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return Self.unauthorized(
                "Authorization is not a Bearer token: this function takes authorization.type Bearer (not basic auth or IAM keys)")
        }
        let presented = Array(parts[1].utf8.drop { $0 == UInt8(ascii: " ") })
        let loaded = state.withLock { $0.tokens }
        if Self.matches(presented, loaded) { return nil }
        // Not a token this instance holds: refused (401) only when the tokens are known to be current; while the
        // secret cannot be read, or is being read, the token may be its new value, so the answer is 503 and
        // Prometheus sends the batch again instead of dropping it.
        let at = now()
        let step = state.withLock { state -> Step in
            if !state.tokens.isEmpty, let loadedAt = state.loadedAt, at - loadedAt < Self.reloadIntervalMilliseconds {
                return .check(state.tokens)
            }
            if let last = state.attemptedAt, at - last < Self.retryIntervalMilliseconds {
                if let failure = state.failure { return .failed(failure) }
                return state.loadedAt == last ? .check(state.tokens) : .busy
            }
            state.attemptedAt = at
            return .read
        }
        let tokens: [[UInt8]]
        switch step {
        case .check(let current): tokens = current
        case .failed(let error): return Self.unreadable(origin, error)
        case .busy:
            return Self.unavailable("the bearer token is not one this instance holds, and \(origin) is being read right now (it may have been rotated): retry")
        case .read:
            switch reload() {
            case .failure(let error): return Self.unreadable(origin, error)
            case .success(let current): tokens = current
            }
        }
        if tokens.isEmpty {
            return Self.unavailable("\(origin) holds no token: store one with aws secretsmanager put-secret-value (will retry)")
        }
        return Self.matches(presented, tokens)
            ? nil : Self.unauthorized("the bearer token does not match \(origin): use the secret's current value")
    }

    /// What a request whose token is not among the loaded ones does next.
    private enum Step {
        /// The tokens are current (read less than a reload interval ago): compare with them.
        case check([[UInt8]])
        /// This request reads the secret.
        case read
        /// The last read, less than a retry interval ago, failed.
        case failed(SecretsManagerError)
        /// Another request is reading the secret.
        case busy
    }

    private static func matches(_ presented: [UInt8], _ tokens: [[UInt8]]) -> Bool {
        // Every token is compared (no early exit), each in constant time.
        tokens.reduce(false) { found, token in ConstantTime.equals(presented, token) || found }
    }

    private func reload() -> Result<[[UInt8]], SecretsManagerError> {
        let attempted = now()
        state.withLock { $0.attemptedAt = attempted }
        switch load() {
        case .failure(let error):
            // The tokens read before are kept (and still accepted); the next unknown token reads again after
            // `retryIntervalMilliseconds`.
            state.withLock { $0.failure = error }
            return .failure(error)
        case .success(let values):
            let tokens = values.filter { !$0.isEmpty }.map { Array($0.utf8) }
            state.withLock { $0 = State(tokens: tokens, loadedAt: attempted, attemptedAt: attempted, failure: nil) }
            return .success(tokens)
        }
    }

    private static func unreadable(_ origin: String, _ error: SecretsManagerError) -> Refusal {
        unavailable("cannot read the bearer token from \(origin) (will retry): \(error)")
    }

    /// 503 + `Retry-After`: Prometheus keeps the batch and sends it again.
    private static func unavailable(_ reason: String) -> Refusal {
        Refusal(.text(503, reason, headers: [(name: "Retry-After", value: String(retryIntervalMilliseconds / 1000))]))
    }

    private static func unauthorized(_ reason: String) -> Refusal {
        Refusal(.text(401, reason, headers: [(name: "WWW-Authenticate", value: "Bearer realm=\"timestream\"")]))
    }
}
