/// The parts of an absolute `http(s)://` URL that SigV4 and endpoint handling need. Deliberately small: the
/// Timestream client only ever builds `scheme://host[:port]/` URLs, and the signer needs host, path and query.
public struct RequestURL: Equatable, Sendable {
    /// `http` or `https`, lower-cased.
    public var scheme: String
    /// Host as written (a bracketed IPv6 literal keeps its brackets), lower-cased.
    public var host: String
    /// The explicit port, if any.
    public var port: Int?
    /// Path as written in the URL (percent-encoding untouched); `/` when the URL has none.
    public var path: String
    /// Query string after `?` without the fragment; empty when absent.
    public var query: String

    /// The `Host` header value: host, plus `:port` only when it is not the scheme's default
    /// (what HTTP clients send, so what must be signed).
    public var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        return "\(host):\(port)"
    }

    /// `scheme://hostHeader` with no path.
    public var origin: String { "\(scheme)://\(hostHeader)" }

    /// Parses `url`; `nil` when it is not an absolute http/https URL with a host and a valid port.
    public init?(_ url: String) {
        guard let separator = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = url[separator.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var pathAndQuery = rest[authorityEnd...]
        if authority.contains("@") { return nil }  // credentials never travel in URLs here
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let value = Int(authority[authority.index(after: colon)...]), (1...65535).contains(value) else {
                return nil
            }
            port = value
            authority = authority[..<colon]
        }
        guard !authority.isEmpty else { return nil }
        var query = Substring("")
        if let mark = pathAndQuery.firstIndex(of: "?") {
            query = pathAndQuery[pathAndQuery.index(after: mark)...]
            pathAndQuery = pathAndQuery[..<mark]
        }
        self.scheme = scheme
        self.host = authority.lowercased()
        self.port = port
        self.path = pathAndQuery.isEmpty ? "/" : String(pathAndQuery)
        self.query = String(query)
    }
}
