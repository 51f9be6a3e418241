import HTTPTypes
import Hummingbird

/// `GET /.well-known/jwks.json`: every published public key — the signing key, the next one
/// (published ahead so caches already hold it when it starts signing) and retired ones still
/// covering live tokens.
struct JWKSEndpoint: Sendable {
    let keyRing: KeyRing

    func respond(to request: Request, context: some RequestContext) -> Response {
        .json(bytes: keyRing.jwks, noStore: false, headers: [.cacheControl: "public, max-age=300"])
    }
}
