import _CryptoExtras
import Crypto
import Foundation
import JWTKit
import TesseraClient
import TesseraCore

/// A provider's keys, made in the test: it signs id_tokens (valid or crafted for an attack) and
/// publishes the matching JWKS.
struct TestIssuer: Sendable {
    static let issuer = "https://login.example.com"
    static let clientID = "client-abc"

    enum Key: String, Sendable, CaseIterable {
        case rsa = "rsa-1", ec = "ec-1", ed = "ed-1", rsa2 = "rsa-2"

        var algorithm: String {
            switch self {
            case .rsa, .rsa2: "RS256"
            case .ec: "ES256"
            case .ed: "EdDSA"
            }
        }
    }

    /// RSA key generation is slow: one set of keys for the whole test run.
    static let shared = TestIssuer()

    private let rsaKeys: [Key: _RSA.Signing.PrivateKey]
    private let ecKey = P256.Signing.PrivateKey()
    private let edKey = Curve25519.Signing.PrivateKey()

    private init() {
        rsaKeys = [.rsa: try! _RSA.Signing.PrivateKey(keySize: .bits2048), .rsa2: try! _RSA.Signing.PrivateKey(keySize: .bits2048)]
    }

    /// The public JWK of `key` as a JSON object, under `kid` (the key's own unless told).
    func jwk(_ key: Key, kid: String?? = .none, alg: String?? = .none) -> [String: String] {
        var object: [String: String] = ["use": "sig"]
        switch key {
        case .rsa, .rsa2:
            let primitives = try! Insecure.RSA.PublicKey(backing: rsaKeys[key]!.publicKey).getKeyPrimitives()
            object["kty"] = "RSA"
            object["n"] = Base64URL.encode(primitives.modulus)
            object["e"] = Base64URL.encode(primitives.publicExponent)
        case .ec:
            let point = ecKey.publicKey.x963Representation
            object["kty"] = "EC"
            object["crv"] = "P-256"
            object["x"] = Base64URL.encode(point[1..<33])
            object["y"] = Base64URL.encode(point[33..<65])
        case .ed:
            object["kty"] = "OKP"
            object["crv"] = "Ed25519"
            object["x"] = Base64URL.encode(edKey.publicKey.rawRepresentation)
        }
        if let kid = kid ?? key.rawValue { object["kid"] = kid }
        if let alg = alg ?? key.algorithm { object["alg"] = alg }
        return object
    }

    /// A JWKS document of `keys` (or of raw JWK objects).
    func jwks(_ keys: [Key] = [.rsa, .ec, .ed]) -> String {
        jwks(objects: keys.map { jwk($0) })
    }

    func jwks(objects: [[String: String]]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["keys": objects], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Signs `claims` with `key`; `kid` nil leaves it out of the header; `typ` replaces `JWT`.
    func sign(_ claims: TestClaims, with key: Key = .rsa, kid: String?? = .none, typ: String? = nil) async throws -> Secret {
        let collection = JWTKeyCollection()
        let identifier = (kid ?? key.rawValue).map { JWKIdentifier(string: $0) }
        switch key {
        case .rsa, .rsa2:
            await collection.add(rsa: try Insecure.RSA.PrivateKey(backing: rsaKeys[key]!), digestAlgorithm: .sha256, kid: identifier)
        case .ec:
            await collection.add(ecdsa: try ES256PrivateKey(backing: ecKey), kid: identifier)
        case .ed:
            await collection.add(eddsa: EdDSA.PrivateKey(backing: edKey), kid: identifier)
        }
        var header = JWTHeader()
        header.typ = typ
        return Secret(try await collection.sign(claims, kid: identifier, header: header))
    }

    /// A token with any header, signed by `signature` over its signing input: for `alg: none`
    /// and HMAC forgeries.
    static func craft(header: [String: Any], claims: TestClaims,
                      signature: (Data) -> [UInt8] = { _ in [] }) throws -> Secret {
        let headerPart = Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let payloadPart = Base64URL.encode(try JSONEncoder().encode(claims))
        let input = headerPart + "." + payloadPart
        return Secret(input + "." + Base64URL.encode(signature(Data(input.utf8))))
    }
}

/// The claims of a test id_token; every field optional so a test can leave any out.
struct TestClaims: JWTPayload, Sendable {
    var iss: String? = TestIssuer.issuer
    var sub: String? = "user-1"
    var aud: Audience? = .one(TestIssuer.clientID)
    var exp: Int?
    var iat: Int?
    var nonce: String?
    var azp: String?
    var at_hash: String?
    var email: String? = "alice@example.com"
    var auth_time: Int?
    /// Logout token claims (Back-Channel Logout 1.0 §2.4), absent from id_tokens.
    var jti: String?
    var sid: String?
    var events: [String: [String: String]]?
    /// RFC 9068 access token claims, absent from id_tokens; `azp` and `permissions` as Auth0 sends them.
    var client_id: String?
    var scope: String?
    var nbf: Int?
    var permissions: [String]?
    /// RFC 9449 §6.1 confirmation (`{"jkt": …}` for a DPoP-bound token), as any JSON so a test
    /// can send a malformed one.
    var cnf: JSONValue?

    /// Valid claims issued at `now`, living ten hours.
    init(now: Date, nonce: String?) {
        iat = Int(now.timeIntervalSince1970)
        exp = iat! + 36_000
        self.nonce = nonce
    }

    enum Audience: Codable, Sendable {
        case one(String)
        case many([String])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .one(let value): try container.encode(value)
            case .many(let values): try container.encode(values)
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) { self = .one(value) } else { self = .many(try container.decode([String].self)) }
        }
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
