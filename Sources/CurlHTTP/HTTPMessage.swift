/// A request as the transport sends it. Header names keep their case; lookups are case-insensitive.
public struct HTTPRequest: Sendable, Equatable {
    package var method: String
    package var url: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]
    /// Upper bound for the whole exchange (connect + send + receive), in milliseconds, counted from the call to
    /// `send`/`sendAll`: a request that waits for a free slot (`maxConcurrent`) spends from it. `nil` = no limit
    /// (the Runtime API's `/next` long-polls).
    var timeoutMilliseconds: Int?
    /// Sent straight to its host whatever `http_proxy`/`ALL_PROXY` say: the credential endpoints of this machine
    /// (instance metadata, the ECS/EKS agent), which a proxy could only reach on its own machine — handing it the
    /// proxy host's role, and the tokens in clear text on the way.
    package var bypassesProxy = false

    package init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeoutMilliseconds: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// The first value of header `name`, compared case-insensitively.
    func header(_ name: String) -> String? { headers.firstValue(named: name) }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.timeoutMilliseconds == rhs.timeoutMilliseconds && lhs.bypassesProxy == rhs.bypassesProxy
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A response as received: status, headers in arrival order, and the (already content-decoded) body.
public struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, compared case-insensitively.
    package func header(_ name: String) -> String? { headers.firstValue(named: name) }
}

extension Array where Element == (name: String, value: String) {
    /// The first value of header `name`, compared ASCII case-insensitively (HTTP field names are ASCII).
    package func firstValue(named name: String) -> String? {
        first { asciiCaseInsensitiveEquals($0.name, name) }?.value
    }
}

/// ASCII case-insensitive comparison without allocating lower-cased copies.
package func asciiCaseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
    var ai = a.utf8.makeIterator()
    var bi = b.utf8.makeIterator()
    while true {
        switch (ai.next(), bi.next()) {
        case (nil, nil): return true
        case let (x?, y?):
            if x == y { continue }
            let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
            let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
            if lx != ly { return false }
        default: return false
        }
    }
}
