import Foundation

/// The rules for a client's `backchannel_logout_uri` (OpenID Connect Back-Channel Logout 1.0
/// §2.2): an absolute http(s) URL without a fragment; https, or http only on loopback — the
/// provider POSTs a signed token there, server to server, and must not be aimed at an arbitrary
/// plaintext host.
public enum BackchannelLogoutURI {
    /// - Throws: ``RegistrationError/invalid(_:)`` naming the problem.
    public static func validate(_ uri: String) throws(RegistrationError) {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else {
            throw .invalid("the back-channel logout URI '\(uri)' is not an absolute http(s) URL")
        }
        guard components.fragment == nil else {
            throw .invalid("the back-channel logout URI '\(uri)' must not contain a fragment")
        }
        switch scheme {
        case "https":
            return
        case "http":
            guard ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host.lowercased()) || host.hasSuffix(".localhost") else {
                throw .invalid("the back-channel logout URI '\(uri)' must use https (http is allowed only for localhost and loopback addresses)")
            }
        default:
            throw .invalid("the back-channel logout URI '\(uri)' must use https or http")
        }
    }
}
