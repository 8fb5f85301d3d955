import AWS
import Synchronization
import Testing

@testable import Connector

/// The token mode's check: constant-time match, reload after a mismatch at most once per retry interval (5 s),
/// 503 while the secret cannot be read. The clock and the secret's value are the test's.
@Suite struct BearerTokenGateTests {
    final class Secret: Sendable {
        let state = Mutex<(value: Result<[String], SecretsManagerError>, reads: Int, now: Int64)>((.success(["t0"]), 0, 1_000_000))
        var reads: Int { state.withLock { $0.reads } }
        func set(_ value: Result<[String], SecretsManagerError>) { state.withLock { $0.value = value } }
        func advance(_ milliseconds: Int64) { state.withLock { $0.now += milliseconds } }
        func gate() -> BearerTokenGate {
            BearerTokenGate(origin: "secret S", now: { self.state.withLock { $0.now } }) {
                self.state.withLock { state in
                    state.reads += 1
                    return state.value
                }
            }
        }
    }

    @Test func acceptsTheTokenAndRefusesOthersWithReasons() {
        let secret = Secret()
        let gate = secret.gate()
        #expect(gate.preload() == nil)
        #expect(gate.refusal("Bearer t0") == nil)
        #expect(gate.refusal("bearer   t0") == nil)
        #expect(gate.refusal("Bearer t1")?.response.statusCode == 401)
        #expect(gate.refusal("Bearer t") != nil)
        #expect(gate.refusal("Bearer t00") != nil)
        #expect(gate.refusal("Basic dDA=")?.response.bodyText.hasPrefix("Authorization is not a Bearer token") == true)
        #expect(gate.refusal(nil)?.response.bodyText.hasPrefix("missing Authorization header") == true)
        #expect(gate.refusal("Bearer")?.response.statusCode == 401)
        #expect(secret.reads == 1)
    }

    @Test func aRotatedSecretIsPickedUpAfterAMismatchWithinSeconds() {
        let secret = Secret()
        let gate = secret.gate()
        gate.preload()
        secret.set(.success(["t1", "t0"]))  // rotated: t1 current, t0 previous
        #expect(gate.refusal("Bearer t1")?.response.statusCode == 401)  // read moments ago: no reload yet
        #expect(secret.reads == 1)
        secret.advance(BearerTokenGate.retryIntervalMilliseconds)
        #expect(gate.refusal("Bearer t1") == nil)  // mismatch → reload → accepted
        #expect(gate.refusal("Bearer t0") == nil)  // the previous value during the rotation
        #expect(secret.reads == 2)
        for _ in 0..<5 { #expect(gate.refusal("Bearer wrong")?.response.statusCode == 401) }  // no reload storm
        #expect(secret.reads == 2)
        secret.advance(BearerTokenGate.retryIntervalMilliseconds - 1)
        #expect(gate.refusal("Bearer wrong")?.response.statusCode == 401)
        #expect(secret.reads == 2)
        secret.advance(1)
        #expect(gate.refusal("Bearer wrong") != nil)
        #expect(secret.reads == 3)
    }

    @Test func anUnreadableSecretIs503UntilItCanBeRead() {
        let secret = Secret()
        secret.set(.failure(SecretsManagerError(code: "AccessDeniedException", message: "not allowed", httpStatus: 400)))
        let gate = secret.gate()
        #expect(gate.preload() != nil)
        let refusal = gate.refusal("Bearer t0")
        #expect(refusal?.response.statusCode == 503)
        #expect(refusal?.response.bodyText == "cannot read the bearer token from secret S (will retry): AccessDeniedException: not allowed")
        secret.set(.success(["t0"]))
        secret.advance(BearerTokenGate.retryIntervalMilliseconds)
        #expect(gate.refusal("Bearer t0") == nil)
    }

    /// While no token could be read, a stream of requests (right or wrong tokens) asks Secrets Manager once per
    /// interval, not once per request; the requests in between get the last failure.
    @Test func anOutageAsksSecretsManagerOncePerIntervalNotPerRequest() {
        let secret = Secret()
        secret.set(.failure(SecretsManagerError(code: "ThrottlingException", message: "slow down", httpStatus: 400)))
        let gate = secret.gate()
        #expect(gate.preload() != nil)
        #expect(secret.reads == 1)
        for token in ["t0", "wrong", "t0"] {
            let refusal = gate.refusal("Bearer \(token)")
            #expect(refusal?.response.statusCode == 503)
            #expect(refusal?.response.bodyText.hasSuffix("ThrottlingException: slow down") == true)
        }
        #expect(secret.reads == 1)
        secret.advance(BearerTokenGate.retryIntervalMilliseconds)
        #expect(gate.refusal("Bearer t0")?.response.statusCode == 503)
        #expect(secret.reads == 2)
        // A secret that is readable but holds no token: 503 too (an operator's mistake: the batches must wait for
        // the fix, not be dropped), and again read at most once per interval.
        secret.set(.success([""]))
        secret.advance(BearerTokenGate.retryIntervalMilliseconds)
        #expect(gate.refusal("Bearer t0")?.response.statusCode == 503)
        #expect(gate.refusal("Bearer t0")?.response.bodyText.contains("holds no token") == true)
        #expect(secret.reads == 3)
        secret.set(.success(["t0"]))
        secret.advance(BearerTokenGate.retryIntervalMilliseconds)
        #expect(gate.refusal("Bearer t0") == nil)
        #expect(gate.refusal("Bearer t0") == nil)
        #expect(secret.reads == 4)
    }

    /// Rotation while Secrets Manager fails: the new token cannot be checked, so it gets 503 (Prometheus retries),
    /// never 401 (Prometheus would drop the batch); the old one keeps working; the next read, an interval later,
    /// accepts the new one.
    @Test func aNewTokenThatCannotBeCheckedIs503Not401() {
        let secret = Secret()
        let gate = secret.gate()
        gate.preload()
        secret.set(.failure(SecretsManagerError(code: "ThrottlingException", message: "slow down", httpStatus: 400)))
        secret.advance(BearerTokenGate.retryIntervalMilliseconds)
        for _ in 0..<3 {
            let refusal = gate.refusal("Bearer t1")
            #expect(refusal?.response.statusCode == 503, "\(refusal?.response.bodyText ?? "accepted")")
            #expect(refusal?.response.headers.contains { $0.name == "Retry-After" && $0.value == "5" } == true)
        }
        #expect(gate.refusal("Bearer t0") == nil)
        #expect(secret.reads == 2)
        secret.set(.success(["t1", "t0"]))
        secret.advance(BearerTokenGate.retryIntervalMilliseconds)
        #expect(gate.refusal("Bearer t1") == nil)
        #expect(secret.reads == 3)
    }

    /// A request with an unknown token while another one reads the secret (a rotation seen by two requests at
    /// once): 503, not 401, and no second read.
    @Test func anUnknownTokenWhileTheSecretIsBeingReadIs503() {
        let clock = Mutex<Int64>(1_000_000)
        let reads = Mutex(0)
        let inner = Mutex<Refusal??>(nil)
        let box = Mutex<BearerTokenGate?>(nil)
        let gate = BearerTokenGate(origin: "secret S", now: { clock.withLock { $0 } }) {
            let count = reads.withLock { $0 += 1; return $0 }
            // The second read happens while a concurrent request presents the new token.
            if count == 2, let gate = box.withLock({ $0 }) { inner.withLock { $0 = .some(gate.refusal("Bearer t1")) } }
            return .success(count == 1 ? ["t0"] : ["t1", "t0"])
        }
        box.withLock { $0 = gate }
        gate.preload()
        clock.withLock { $0 += BearerTokenGate.retryIntervalMilliseconds }
        #expect(gate.refusal("Bearer t1") == nil)
        let concurrent = inner.withLock { $0 } ?? nil
        #expect(concurrent?.response.statusCode == 503, "\(concurrent?.response.bodyText ?? "accepted")")
        #expect(reads.withLock { $0 } == 2)
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(ConstantTime.equals([], []))
    }

    @Test func tokenModeExcludesIAMAuthAtTheGateway() throws {
        #expect(throws: ConfigError.self) {
            try ConnectorConfig(environment: [
                "default_database": "d", "default_table": "t", "bearer_token_secret_arn": "arn:x", "enable_sigv4_auth": "true",
            ])
        }
        #expect(
            try ConnectorConfig(environment: ["default_database": "d", "default_table": "t", "bearer_token_secret_arn": "arn:x"])
                .bearerTokenSecretID == "arn:x")
    }
}
