import HTTPTypes
import Hummingbird

extension Response {
    /// The response with one more `WWW-Authenticate` challenge after those it has.
    func adding(challenge: String) -> Response {
        var response = self
        response.headers.append(HTTPField(name: .wwwAuthenticate, value: challenge))
        return response
    }

    /// The response with a `DPoP-Nonce` header (RFC 9449 §8, §9) when `nonce` is given.
    func withDPoPNonce(_ nonce: String?) -> Response {
        guard let nonce else { return self }
        return with(header: .dpopNonce, nonce)
    }
}
