import TextCodecs

/// API Gateway's body encoding (`isBase64Encoded`), named here because `APIGatewayEventError` carries its errors.
public typealias Base64 = TextCodecs.Base64
