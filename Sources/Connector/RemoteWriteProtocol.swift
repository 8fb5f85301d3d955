import CurlHTTP

/// Which remote-write message a request carries, chosen from its headers as the Remote-Write 2.0 spec requires
/// ("Receivers MUST use the content type header to identify the Protobuf Message schema"):
/// https://prometheus.io/docs/specs/prw/remote_write_spec_2_0/#content-type
enum RemoteWriteProtocol: String, Equatable, Sendable {
    /// `prometheus.WriteRequest` (Remote-Write 1.0): `application/x-protobuf`, optionally
    /// `;proto=prometheus.WriteRequest`.
    case v1
    /// `io.prometheus.write.v2.Request`: `application/x-protobuf;proto=io.prometheus.write.v2.Request`.
    case v2

    /// The message named by `Content-Type`, or a 415 with a reason for a media type, `proto` or
    /// `Content-Encoding` this receiver cannot read (spec: "Receivers MUST return 415 … if they don't support a
    /// given content type or encoding"). A missing `Content-Type` means 1.0 and a missing `Content-Encoding`
    /// means snappy, as before 2.0 (Prometheus always sends both).
    static func negotiate(contentType: String?, contentEncoding: String?) -> Result<RemoteWriteProtocol, Refusal> {
        if let encoding = contentEncoding?.trimmingCharacters(in: " \t"), !encoding.isEmpty,
            !asciiCaseInsensitiveEquals(encoding, "snappy")
        {
            return .failure(
                .text(415, "Content-Encoding \(encoding) is not supported: remote-write bodies must be snappy (block format)"))
        }
        guard let contentType else { return .success(.v1) }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
        guard let media = parts.first, !media.isEmpty else { return .success(.v1) }
        guard asciiCaseInsensitiveEquals(media, "application/x-protobuf") else {
            return .failure(
                .text(415, "Content-Type \(contentType) is not supported: send application/x-protobuf (remote-write 1.0 or 2.0)"))
        }
        var message = RemoteWriteProtocol.v1
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t") }
            guard pair.count == 2, asciiCaseInsensitiveEquals(pair[0], "proto") else { continue }
            // RFC 9110 allows a quoted parameter value.
            let proto = pair[1].count >= 2 && pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"")
                ? String(pair[1].dropFirst().dropLast()) : pair[1]
            if asciiCaseInsensitiveEquals(proto, "prometheus.WriteRequest") {
                message = .v1
            } else if asciiCaseInsensitiveEquals(proto, "io.prometheus.write.v2.Request") {
                message = .v2
            } else {
                return .failure(
                    .text(415, "remote-write message \(proto) is not supported: use prometheus.WriteRequest (1.0) or io.prometheus.write.v2.Request (2.0)"))
            }
        }
        return .success(message)
    }
}
