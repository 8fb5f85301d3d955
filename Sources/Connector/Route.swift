
/// Which remote-storage endpoint a request is for.
package enum Route: String, Equatable, Sendable {
    case write
    case read

    /// POST to a path ending in `/write` or `/read` (a stage prefix such as `/dev/write` is normal). When the path
    /// is neither, the Prometheus version headers decide, as in the Go connector (which ignored paths entirely).
    /// Anything else is a 404, and a known route with another method a 405, each with a one-line reason.
    package static func resolve(method: String, path: String, header: (String) -> String?) -> Result<Route, Refusal> {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let route: Route
        if trimmed.hasSuffix("/write") || trimmed == "write" {
            route = .write
        } else if trimmed.hasSuffix("/read") || trimmed == "read" {
            route = .read
        } else if header("X-Prometheus-Remote-Write-Version") != nil {
            route = .write
        } else if header("X-Prometheus-Remote-Read-Version") != nil {
            route = .read
        } else {
            return .failure(
                Refusal.text(404, "no route for \(method) \(path): send remote_write to …/write and remote_read to …/read"))
        }
        guard method.uppercased() == "POST" else {
            var reply = ServiceResponse.text(405, "\(method) is not allowed on \(path): Prometheus remote \(route.rawValue) uses POST")
            reply.headers.append(("Allow", "POST"))
            return .failure(Refusal(reply))
        }
        return .success(route)
    }
}
