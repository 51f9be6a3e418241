import HTTPTypes
import Hummingbird

extension Response {
    /// The response with one more `WWW-Authenticate` challenge after those it has: RFC 9449 §7.1
    /// offers `DPoP` beside `Bearer`.
    func adding(challenge: String) -> Response {
        var response = self
        response.headers.append(HTTPField(name: .wwwAuthenticate, value: challenge))
        return response
    }
}
