import Foundation
public import Hummingbird
import HTTPTypes
public import TesseraCore

extension OAuthError {
    /// The JSON error response of RFC 6749 §5.2, with its status and, for a 401, the challenge
    /// the client tried (`Basic` for the token endpoint, `Bearer` for resource endpoints).
    public func response(challenge: String? = nil) -> Response {
        var headers: HTTPFields = [:]
        if let challenge {
            headers[.wwwAuthenticate] = challenge
        }
        return Response.json(self, status: HTTPResponse.Status(code: status), headers: headers)
    }

    /// The `WWW-Authenticate: Bearer` challenge of RFC 6750 §3 for this error.
    public var bearerChallenge: String {
        #"Bearer realm="tessera", "# + challengeParameters
    }

    /// `error="…"` and, when there is one, `error_description="…"` in the characters RFC 6750 §3
    /// allows (``ChallengeParameter``): the parameters every scheme's error challenge carries.
    var challengeParameters: String {
        var parameters = #"error="\#(code.rawValue)""#
        if let description {
            parameters += ", error_description=" + ChallengeParameter.quoted(description)
        }
        return parameters
    }
}
