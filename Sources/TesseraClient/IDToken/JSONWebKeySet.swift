import Foundation
import JWTKit

/// The provider's published signing keys (RFC 7517), as the id_token check uses them.
///
/// Read leniently, kept strictly: a key the client cannot use — an encryption key (`use: enc`), a
/// symmetric `oct` key, an unknown key type — is dropped rather than failing the whole set, so a
/// provider that adds a new kind of key does not lock every user out; and a symmetric key is never
/// kept, so no "HMAC with a shared secret from the JWKS" can be verified.
///
/// ```swift
/// let keys = try JSONWebKeySet(json: response.body)
/// let claims = try await IDTokenValidator.validate(idToken, keys: keys, expectations: expectations, now: .now)
/// ```
public struct JSONWebKeySet: Sendable {
    let keys: [JWK]

    /// The set in a JWKS document (`{"keys":[…]}`).
    /// - Throws: `.malformedResponse` when the document is not a JSON object with a `keys` array.
    public init(json: [UInt8]) throws(ClientError) {
        do {
            let document = try JSONDecoder().decode(Document.self, from: Data(json))
            self.keys = document.keys.compactMap { entry in
                guard entry.use == nil || entry.use == "sig" else { return nil }
                return entry.jwk
            }
        } catch {
            throw ClientError(.malformedResponse, "The JWKS is not a JSON Web Key Set: \(DecodingFailure(error)).")
        }
    }

    init(keys: [JWK]) {
        self.keys = keys
    }

    /// How many usable signature keys the set holds.
    public var count: Int { keys.count }

    /// The key ids of the usable keys.
    public var keyIDs: [String] { keys.compactMap { $0.keyIdentifier?.string } }

    private struct Document: Decodable {
        let keys: [Entry]
    }

    /// One key: `use` read beside jwt-kit's JWK, which does not model it; `jwk` nil when unusable.
    private struct Entry: Decodable {
        let use: String?
        let jwk: JWK?

        enum CodingKeys: String, CodingKey { case use }

        init(from decoder: any Decoder) throws {
            use = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .use)
            jwk = try? JWK(from: decoder)
        }
    }
}
