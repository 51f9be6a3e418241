public import Foundation
import JWTKit
public import TesseraCore

/// The id_token checks of OpenID Connect Core §3.1.3.7, as one pure function: no network, the
/// time passed in.
///
/// In order: the token is a three-part JWS whose header parses and whose `typ`, if any, is `JWT`
/// (an RFC 9068 `at+jwt` access token or a `logout+jwt` is never an id_token); its `alg` is on the allow-list
/// (never `none`, never HMAC); exactly one key of the JWKS fits its `kid` and `alg`; the signature
/// verifies with that key (jwt-kit); then `iss`, `aud`, `azp`, `exp` and `iat` (with the clock-skew
/// tolerance), `nonce` (constant time), `auth_time` against `max_age` when one was sent, `at_hash`
/// when present, and `sub` when one is expected.
/// Each failure is its own ``ClientError`` code, named like the OpenID conformance modules.
///
/// ```swift
/// let claims = try await IDTokenValidator.validate(idToken, keys: keys, expectations: expectations, now: Date())
/// ```
public enum IDTokenValidator {
    public static func validate(_ idToken: Secret, keys: JSONWebKeySet, expectations: IDTokenExpectations,
                                now: Date) async throws(ClientError) -> IDTokenClaims {
        let (claims, algorithm) = try await verifiedClaims(of: idToken, kind: .idToken, keys: keys,
                                                           allowedAlgorithms: expectations.allowedAlgorithms, as: IDTokenClaims.self)
        try checkClaims(claims, algorithm: algorithm, expectations: expectations, now: now)
        return claims
    }

    /// The JWS steps every signed token of the provider shares (id_tokens, logout tokens, access
    /// tokens): a readable header of the kind's `typ`; an `alg` allowed *and* asymmetric, checked
    /// before any key is touched — never `none`, never HMAC, whatever the caller lists; exactly
    /// one fitting key; the signature. Returns the claims and the algorithm that signed them.
    static func verifiedClaims<Claims: Codable & Sendable>(
        of token: Secret, kind: SignedTokenKind, keys: JSONWebKeySet, allowedAlgorithms: Set<String>, as claims: Claims.Type
    ) async throws(ClientError) -> (claims: Claims, algorithm: String) {
        let header = try checkedHeader(of: token, kind: kind, allowedAlgorithms: allowedAlgorithms)
        let key = try selectKey(for: header, in: keys, kind: kind)
        return (try await verifySignature(token, with: key, algorithm: header.alg, as: claims, kind: kind), header.alg)
    }

    /// The steps that need no key: the header read, its `typ` the kind's, its `alg` allowed and
    /// asymmetric. Cheap, so a verifier can run them before fetching any keys.
    static func checkedHeader(of token: Secret, kind: SignedTokenKind, allowedAlgorithms: Set<String>) throws(ClientError) -> Header {
        let header = try Header(token: token.unredacted, kind: kind)
        guard allowedAlgorithms.contains(header.alg), IDTokenExpectations.verifiableAlgorithms.contains(header.alg) else {
            throw ClientError(.algorithmNotAllowed, "The \(kind.name) is signed with an algorithm that is not allowed.",
                              expected: allowedAlgorithms.sorted().joined(separator: ", "), actual: header.alg)
        }
        return header
    }

    /// The JOSE header fields the check needs.
    struct Header: Decodable {
        let alg: String
        let kid: String?
        let typ: String?
        let crit: [String]?

        init(token: String, kind: SignedTokenKind = .idToken) throws(ClientError) {
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, let bytes = Base64URL.decode(String(parts[0])),
                  let header = try? JSONDecoder().decode(Header.self, from: Data(bytes))
            else {
                throw ClientError(kind.malformed, "The \(kind.name) is not a JWS in compact serialization with a readable header.")
            }
            // A critical header this client does not understand must not be ignored (RFC 7515 §4.1.11).
            guard header.crit == nil else {
                throw ClientError(kind.malformed, "The \(kind.name) has critical header parameters this client does not process.")
            }
            // Tokens of other kinds share the JWS format and often the keys: refuse any explicit
            // type but the kind's own (RFC 8725 §3.11), so an access token cannot pass as an id_token.
            if kind.typeRequired, header.typ == nil {
                throw ClientError(kind.invalidType, "The \(kind.name) has no typ, so nothing says it is one.", expected: kind.types[0], actual: "none")
            }
            if let typ = header.typ, !kind.types.contains(where: { $0.lowercased() == typ.lowercased() }) {
                throw ClientError(kind.invalidType, "The \(kind.name)'s typ says it is another kind of token.", expected: kind.types[0], actual: typ)
            }
            self = header
        }
    }

    /// The one key that can have signed a token with `header`. With a `kid`, the key of that id; without,
    /// the only key fitting the algorithm — several is ambiguous, and trying each would let any
    /// of them vouch for a token (OpenID conformance: `kid-absent-multiple-jwks`).
    static func selectKey(for header: Header, in keys: JSONWebKeySet, kind: SignedTokenKind = .idToken) throws(ClientError) -> JWK {
        let candidates = keys.keys.filter { key in
            fits(key, algorithm: header.alg) && (header.kid == nil || key.keyIdentifier?.string == header.kid)
        }
        guard let key = candidates.first else {
            throw ClientError(.keyNotFound, "No key of the provider's JWKS fits the \(kind.name)'s kid and alg.",
                              actual: header.kid.map { "kid \($0), alg \(header.alg)" } ?? "no kid, alg \(header.alg)")
        }
        guard candidates.count == 1 else {
            throw ClientError(.ambiguousKey, "Several keys of the provider's JWKS could have signed the \(kind.name).",
                              actual: "\(candidates.count) keys for alg \(header.alg)")
        }
        return key
    }

    /// Whether `key` is of the type and curve `algorithm` signs with, and names no other algorithm.
    static func fits(_ key: JWK, algorithm: String) -> Bool {
        if let declared = key.algorithm, declared.rawValue != algorithm { return false }
        switch algorithm {
        case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
            return key.keyType == .rsa
        case "ES256": return key.keyType == .ecdsa && key.curve?.rawValue == "P-256"
        case "ES384": return key.keyType == .ecdsa && key.curve?.rawValue == "P-384"
        case "ES512": return key.keyType == .ecdsa && key.curve?.rawValue == "P-521"
        case "EdDSA": return key.keyType == .octetKeyPair && key.curve?.rawValue == "Ed25519"
        default: return false
        }
    }

    /// Verifies the signature with exactly `key` (a one-key collection, so jwt-kit cannot fall back
    /// to another) and decodes the claims.
    static func verifySignature<Claims: Codable & Sendable>(_ token: Secret, with key: JWK, algorithm: String, as claims: Claims.Type,
                                                            kind: SignedTokenKind = .idToken) async throws(ClientError) -> Claims {
        var key = key
        key.keyIdentifier = JWKIdentifier(string: "selected")
        key.algorithm = JWK.Algorithm(rawValue: algorithm)
        do {
            let collection = JWTKeyCollection()
            try await collection.add(jwk: key)
            return try await collection.verify(token.unredacted, as: VerifiedPayload<Claims>.self).claims
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw ClientError(.invalidSignature, "The \(kind.name)'s signature does not verify with the provider's key.")
        } catch let error as JWTError where error.errorType == .invalidJWK || error.errorType == .generic {
            throw ClientError(.keyNotFound, "The provider's key for the \(kind.name) cannot be used.", actual: algorithm)
        } catch {
            throw ClientError(kind.malformed, "The \(kind.name)'s claims are not readable: \(DecodingFailure(error)).")
        }
    }

    /// `iss` is the provider's, exactly, and `aud` contains this client.
    static func checkIssuerAndAudience(issuer: String, audience: [String], expectations: IDTokenExpectations,
                                       kind: SignedTokenKind) throws(ClientError) {
        guard issuer == expectations.issuer else {
            throw ClientError(.invalidIssuer, "The \(kind.name) was issued by someone else.", expected: expectations.issuer, actual: issuer)
        }
        guard audience.contains(expectations.clientID) else {
            throw ClientError(.invalidAudience, "The \(kind.name) is not meant for this client.",
                              expected: expectations.clientID, actual: audience.joined(separator: " "))
        }
    }

    static func checkClaims(_ claims: IDTokenClaims, algorithm: String, expectations: IDTokenExpectations,
                            now: Date) throws(ClientError) {
        try checkIssuerAndAudience(issuer: claims.issuer, audience: claims.audience, expectations: expectations, kind: .idToken)
        if claims.audience.count > 1 || claims.authorizedParty != nil {
            guard claims.authorizedParty == expectations.clientID else {
                throw ClientError(.invalidAuthorizedParty, "The id_token was issued to another client (azp).",
                                  expected: expectations.clientID, actual: claims.authorizedParty ?? "none")
            }
        }
        guard now < claims.expiresAt.adding(expectations.clockSkew) else {
            throw ClientError(.expired, "The id_token has expired.", expected: "exp after \(Int(now.timeIntervalSince1970))",
                              actual: "\(Int(claims.expiresAt.timeIntervalSince1970))")
        }
        guard claims.issuedAt <= now.adding(expectations.clockSkew) else {
            throw ClientError(.issuedInFuture, "The id_token was issued in the future.",
                              expected: "iat before \(Int(now.timeIntervalSince1970))", actual: "\(Int(claims.issuedAt.timeIntervalSince1970))")
        }
        if let nonce = expectations.nonce {
            guard let received = claims.nonce, Secret(received) == nonce else {
                throw ClientError(.invalidNonce, claims.nonce == nil ? "The id_token carries no nonce." : "The id_token's nonce is not this session's.")
            }
        }
        if let maxAge = expectations.maxAge {
            guard let authTime = claims.authTime else {
                throw ClientError(.missingAuthTime, "max_age was requested, but the id_token carries no auth_time.")
            }
            guard now <= authTime.adding(maxAge).adding(expectations.clockSkew) else {
                throw ClientError(.authenticationTooOld, "The user authenticated longer ago than the max_age requested.",
                                  expected: "auth_time after \(Int(now.timeIntervalSince1970) - Int(maxAge.components.seconds))",
                                  actual: "\(Int(authTime.timeIntervalSince1970))")
            }
        }
        if let atHash = claims.accessTokenHash, let accessToken = expectations.accessToken {
            guard let expected = AccessTokenHash.compute(for: accessToken, algorithm: algorithm),
                  ConstantTime.equals(expected, atHash)
            else {
                throw ClientError(.invalidAccessTokenHash, "The id_token's at_hash does not match the access token it came with.")
            }
        }
        if let subject = expectations.subject, claims.subject != subject {
            throw ClientError(.subjectMismatch, "The id_token is about another user.", expected: subject, actual: claims.subject)
        }
    }
}

/// What a signed token is, for the checks id_tokens and logout tokens share: its name in
/// messages, the `typ` values it may carry, and its error codes.
struct SignedTokenKind: Sendable {
    let name: String
    /// Compared without case; the first is the one named in errors.
    let types: [String]
    let malformed: ClientError.Code
    let invalidType: ClientError.Code
    /// Whether a token without `typ` is refused: RFC 9068 §4 requires `at+jwt`, while id_tokens
    /// and logout tokens from providers that predate explicit typing carry none.
    var typeRequired = false

    static let idToken = SignedTokenKind(name: "id_token", types: ["JWT", "application/jwt"],
                                         malformed: .malformedIDToken, invalidType: .invalidType)
}

/// jwt-kit's view of the claims: decoded by `Claims`; the checks are ours, with our clock.
private struct VerifiedPayload<Claims: Codable & Sendable>: JWTPayload {
    let claims: Claims

    init(from decoder: any Decoder) throws {
        claims = try Claims(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try claims.encode(to: encoder)
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
