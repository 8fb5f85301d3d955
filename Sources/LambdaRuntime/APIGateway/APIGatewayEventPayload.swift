/// The JSON of an API Gateway Lambda proxy event, as one tolerant shape covering both payload versions; every
/// field is optional (`null` reads as absent) so only the fields the request needs are checked, in one place.
/// v1 (REST): https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
/// v2 (HTTP API): https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
struct APIGatewayEventPayload: Decodable {
    var version: String?
    // v2
    var rawPath: String?
    var cookies: [String?]?
    // v1
    var path: String?
    var httpMethod: String?
    var multiValueHeaders: [String: [String?]?]?
    // both
    var headers: [String: String?]?
    var body: String?
    var isBase64Encoded: Bool?
    var requestContext: RequestContext?

    struct RequestContext: Decodable {
        var requestId: String?
        // v2
        var http: HTTP?
        // v1
        var httpMethod: String?
        var path: String?
        var identity: Identity?
    }

    struct HTTP: Decodable {
        var method: String?
        var path: String?
        var sourceIp: String?
    }

    struct Identity: Decodable {
        var sourceIp: String?
    }
}
