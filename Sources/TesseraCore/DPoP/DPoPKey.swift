public import _CryptoExtras
public import Crypto
public import Foundation

/// The private key a client proves possession of with every DPoP proof (RFC 9449 §4).
///
/// Generate one with ``generate(_:)``, or inject a stored one (`init(p256:)` and friends) so
/// tokens bound to it stay usable across restarts: a token is only as durable as its key.
///
/// ```swift
/// let key = DPoPKey.generate(.es256)
/// let proof = try key.proof(method: "POST", url: "https://id.example/oauth/token")
/// request.headers["DPoP"] = proof
/// ```
public struct DPoPKey: Sendable {
    enum Backing: Sendable {
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    let backing: Backing
    /// The algorithm this key signs with.
    public let algorithm: DPoPAlgorithm
    /// The public half, sent in every proof's `jwk` header.
    public let publicKey: DPoPPublicKey

    public init(p256 key: P256.Signing.PrivateKey) {
        self.init(.p256(key), .es256, jwk: [
            "kty": .string("EC"), "crv": .string("P-256"),
            "x": .string(Base64URL.encode(key.publicKey.rawRepresentation.prefix(32))),
            "y": .string(Base64URL.encode(key.publicKey.rawRepresentation.suffix(32))),
        ])
    }

    public init(ed25519 key: Curve25519.Signing.PrivateKey) {
        self.init(.ed25519(key), .edDSA, jwk: [
            "kty": .string("OKP"), "crv": .string("Ed25519"), "x": .string(Base64URL.encode(key.publicKey.rawRepresentation)),
        ])
    }

    /// - Throws: for a key under 2048 bits, which no server accepts.
    public init(rsa key: _RSA.Signing.PrivateKey) throws {
        let primitives = try key.publicKey.getKeyPrimitives()
        self.init(.rsa(key), .rs256, jwk: [
            "kty": .string("RSA"), "n": .string(Base64URL.encode(primitives.modulus)),
            "e": .string(Base64URL.encode(primitives.publicExponent)),
        ])
    }

    private init(_ backing: Backing, _ algorithm: DPoPAlgorithm, jwk: [String: JSONValue]) {
        self.backing = backing
        self.algorithm = algorithm
        // The members were just produced from a valid key: reading them back cannot fail.
        self.publicKey = try! DPoPPublicKey(jwk: jwk)
    }

    /// A new random key for `algorithm` (RSA keys are 2048 bits).
    public static func generate(_ algorithm: DPoPAlgorithm) -> DPoPKey {
        switch algorithm {
        case .es256: DPoPKey(p256: P256.Signing.PrivateKey())
        case .edDSA: DPoPKey(ed25519: Curve25519.Signing.PrivateKey())
        // Generating a 2048-bit key from the system's random source does not fail.
        case .rs256: try! DPoPKey(rsa: _RSA.Signing.PrivateKey(keySize: .bits2048))
        }
    }

    /// The RFC 7638 thumbprint a token bound to this key names as `cnf.jkt`.
    public var thumbprint: String { publicKey.thumbprint }

    /// A proof for one request (RFC 9449 §4.2): `htm` and `htu` name it, `ath` ties it to the
    /// access token sent with it, `nonce` echoes the server's `DPoP-Nonce`. `htu` carries no query
    /// or fragment (§4.2), so they are dropped from `url` here.
    public func proof(method: String, url: String, accessToken: Secret? = nil, nonce: String? = nil,
                      issuedAt: Date = Date(), jti: String? = nil) throws -> String {
        var claims: [String: JSONValue] = [
            "jti": .string(jti ?? Base64URL.encode(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })),
            "htm": .string(method),
            "htu": .string(DPoPTargetURI.withoutQueryAndFragment(url)),
            "iat": .number(issuedAt.timeIntervalSince1970.rounded(.down)),
        ]
        if let accessToken { claims["ath"] = .string(DPoPProof.ath(of: accessToken)) }
        if let nonce { claims["nonce"] = .string(nonce) }
        let header: [String: JSONValue] = [
            "typ": .string(DPoPProof.type), "alg": .string(algorithm.rawValue), "jwk": .object(publicKey.jwk),
        ]
        return try signedJWT(header: header, claims: claims)
    }

    /// A compact JWS of exactly `header` and `claims`, signed with this key: for tests and tools
    /// that need a proof ``proof(method:url:accessToken:nonce:issuedAt:jti:)`` would never make.
    public func signedJWT(header: [String: JSONValue], claims: [String: JSONValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput = Base64URL.encode(try encoder.encode(header)) + "." + Base64URL.encode(try encoder.encode(claims))
        return signingInput + "." + Base64URL.encode(try signature(of: Array(signingInput.utf8)))
    }

    private func signature(of input: [UInt8]) throws -> [UInt8] {
        switch backing {
        case .p256(let key): Array(try key.signature(for: input).rawRepresentation)
        case .ed25519(let key): Array(try key.signature(for: input))
        case .rsa(let key): Array(try key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }
}
