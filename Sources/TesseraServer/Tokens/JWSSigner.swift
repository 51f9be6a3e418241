import Foundation
import TesseraCore
import Tracing

/// The private half of a signing key, turning a JWS signing input into its signature.
///
/// Two backends: the system's libcrypto (OpenSSL 3, loaded at run time) where it exists — about
/// twice BoringSSL's RSA rate on CPUs with AVX-512 IFMA — and swift-crypto everywhere else.
protocol JWSSigningKey: Sendable {
    var algorithm: SigningAlgorithm { get }
    /// The raw JWS signature (RFC 7518 §3) of `input`.
    func sign(_ input: [UInt8]) throws -> [UInt8]
}

/// A claims set that writes its own JSON members: the id_token's and the access token's, signed on
/// every token request, skip `JSONEncoder` this way (see ``JSONWriter``). Still `Encodable`, the
/// form tests compare the written JSON with.
protocol JWTClaimsWriting: Encodable {
    /// Writes the claims as members of the payload object, which the caller opens and closes.
    func writeMembers(to writer: inout JSONWriter) throws
}

/// Compact JWS serialization (RFC 7515 §7.1) of a claims set: the one place tokens are signed.
///
/// jwt-kit verifies every token (in the tests, the client library and here); it signs through a
/// key collection that accepts no outside signer, so signing with libcrypto needs these few lines
/// of assembly: `BASE64URL(header) . BASE64URL(claims) . BASE64URL(signature)`, built in one
/// byte buffer that is also the signing input.
enum JWSSerializer {
    static func sign(_ claims: some JWTClaimsWriting, type: String, kid: String, key: any JWSSigningKey) throws -> String {
        var payload = JSONWriter(capacity: 512)
        payload.beginObject()
        try claims.writeMembers(to: &payload)
        payload.endObject()
        return try assemble(payload: payload.bytes, type: type, kid: kid, key: key)
    }

    static func sign(_ claims: some Encodable, type: String, kid: String, key: any JWSSigningKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return try assemble(payload: Array(try encoder.encode(claims)), type: type, kid: kid, key: key)
    }

    /// Traced as a `jws.sign` span with the algorithm, kid and `typ` (the signature is the cost a
    /// token request pays); never the claims or the token.
    private static func assemble(payload: [UInt8], type: String, kid: String, key: any JWSSigningKey) throws -> String {
        try withSpan("jws.sign") { span in
            span.attributes["tessera.jws.alg"] = key.algorithm.rawValue
            span.attributes["tessera.jws.kid"] = kid
            span.attributes["tessera.jws.typ"] = type
            return try serialize(payload: payload, type: type, kid: kid, key: key)
        }
    }

    private static func serialize(payload: [UInt8], type: String, kid: String, key: any JWSSigningKey) throws -> String {
        var header = JSONWriter(capacity: 96)
        header.beginObject()
        header.member("alg", key.algorithm.rawValue)
        header.member("typ", type)
        header.member("kid", kid)
        header.endObject()
        var token = [UInt8]()
        token.reserveCapacity((header.bytes.count + payload.count) * 4 / 3 + 360)
        Base64URL.append(header.bytes, to: &token)
        token.append(UInt8(ascii: "."))
        Base64URL.append(payload, to: &token)
        let signature = try key.sign(token)
        token.append(UInt8(ascii: "."))
        Base64URL.append(signature, to: &token)
        return String(decoding: token, as: UTF8.self)
    }
}

/// The signing backend in use, for the logs and the benchmark.
public enum SigningBackend: String, Sendable {
    case libcrypto
    case swiftCrypto = "swift-crypto"

    /// libcrypto when it loads, unless `TESSERA_SIGNING_BACKEND=swift-crypto` asks otherwise.
    public static var preferred: SigningBackend {
        if ProcessInfo.processInfo.environment["TESSERA_SIGNING_BACKEND"] == SigningBackend.swiftCrypto.rawValue {
            return .swiftCrypto
        }
        return LibcryptoKey.isAvailable ? .libcrypto : .swiftCrypto
    }
}
