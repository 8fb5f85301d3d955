import AWS

/// Credentials and the instant they stop working.
public struct ExpiringCredentials: Sendable, Equatable {
    var credentials: Credentials
    /// Epoch milliseconds of the source's `Expiration`; `nil` for long-term keys that never expire.
    var expirationEpochMilliseconds: Int64?

    init(_ credentials: Credentials, expirationEpochMilliseconds: Int64? = nil) {
        self.credentials = credentials
        self.expirationEpochMilliseconds = expirationEpochMilliseconds
    }
}

/// One place AWS credentials come from (environment, web identity, profile, container endpoint, instance
/// metadata). `fetch` is called once at start and again whenever the credentials near their expiration; it does
/// the I/O and never caches (`RefreshingCredentials` does).
public protocol CredentialProvider: Sendable {
    /// The source as an operator knows it, for the startup log line and error answers (never a secret).
    var name: String { get }
    /// Whether its keys stay usable past their expiration while the source is down ("static stability", which
    /// EC2 instance metadata offers): the SDKs then keep signing with them — and take keys the source hands out
    /// already expired — for 5 to 15 minutes at a time (`RefreshingCredentials`).
    var isStaticallyStable: Bool { get }
    func fetch() throws(CredentialProviderError) -> ExpiringCredentials
}

extension CredentialProvider {
    public var isStaticallyStable: Bool { false }
}

/// Why a source gave no credentials. The reason names what to check and never contains a secret.
public struct CredentialProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    var source: String
    var reason: String

    init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(source): \(reason)" }
}
