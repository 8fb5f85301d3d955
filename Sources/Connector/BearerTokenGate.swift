import AWS
import CurlHTTP
import Synchronization

/// Checks a request's `Authorization: Bearer <token>` against the tokens the operator stored (the function's token
/// mode: Prometheus holds a token, not an IAM key, and the function writes with its own role). The tokens are
/// loaded once (at cold start) and compared in constant time. A token this instance does not hold makes it read
/// the secret again — by one request at a time, at most once per `retryIntervalMilliseconds` — so a rotated
/// secret takes effect on warm instances within seconds while wrong tokens cannot make it call Secrets Manager
/// more often than that. A token is refused (401) only against tokens read less than that interval ago: while the
/// secret cannot be read, is being read by another request, or holds none, the answer is 503 (the token may be a
/// new value: Prometheus must not drop the batch). Thread-safe.
public final class BearerTokenGate: Sendable {
    /// How old a read may be to refuse a token against (401), and how often Secrets Manager is asked at most;
    /// matches the `Retry-After` of the 503 answered meanwhile.
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
        /// A read is under way (one at a time, so an older read never overwrites a newer one).
        var reading = false
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
        guard parts.count == 2, asciiCaseInsensitiveEquals(String(parts[0]), "bearer") else {
            return Self.unauthorized(
                "Authorization is not a Bearer token: this function takes authorization.type Bearer (not basic auth or IAM keys)")
        }
        let presented = Array(parts[1].utf8.drop { $0 == UInt8(ascii: " ") })
        let loaded = state.withLock { $0.tokens }
        if Self.matches(presented, loaded) { return nil }
        // Not a token this instance holds: refused (401) only against tokens read moments ago; otherwise the
        // secret is read again first (it may have been rotated), and while it cannot be read, or is being read,
        // the answer is 503 and Prometheus sends the batch again instead of dropping it.
        let at = now()
        let step = state.withLock { state -> Step in
            if let loadedAt = state.loadedAt, at - loadedAt < Self.retryIntervalMilliseconds { return .check(state.tokens) }
            if state.reading { return .busy }
            if let last = state.attemptedAt, at - last < Self.retryIntervalMilliseconds, let failure = state.failure {
                return .failed(failure)
            }
            state.reading = true
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
        /// The tokens are current (read less than a retry interval ago): compare with them.
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
        state.withLock { state in
            state.attemptedAt = attempted
            state.reading = true
        }
        switch load() {
        case .failure(let error):
            // The tokens read before are kept (and still accepted); the next unknown token reads again after
            // `retryIntervalMilliseconds`.
            state.withLock { state in
                state.failure = error
                state.reading = false
            }
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
        Refusal(.retryLater(reason, afterSeconds: Int(retryIntervalMilliseconds / 1000)))
    }

    private static func unauthorized(_ reason: String) -> Refusal {
        Refusal(.text(401, reason, headers: [(name: "WWW-Authenticate", value: "Bearer realm=\"timestream\"")]))
    }
}
