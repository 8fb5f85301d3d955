import LambdaRuntime

extension APIGatewayResponse {
    /// 204 No Content: everything storable was written (remote-write spec: the body SHOULD be empty).
    public static var noContent: APIGatewayResponse { APIGatewayResponse(statusCode: 204) }

    /// The body as text (for logs and tests).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// An answer that ends a request early (bad route, missing credentials, unusable selector): carried as the
/// failure of a `Result` so each step stays a plain function.
public struct Refusal: Error, Sendable, Equatable {
    public var response: APIGatewayResponse

    public init(_ response: APIGatewayResponse) { self.response = response }

    public static func text(_ statusCode: Int, _ message: String) -> Refusal { Refusal(.text(statusCode, message)) }
}
