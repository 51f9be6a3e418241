import Foundation
import TesseraServer

/// `/keys/signing`: the signing keys' public facts, and rotation (as `tessera keys rotate`).
extension ManagementHandler {
    func getSigningKeys(_ input: Operations.GetSigningKeys.Input) async throws -> Operations.GetSigningKeys.Output {
        await perform("read:signing_keys", refused: Operations.GetSigningKeys.Output.default) { admin in
            .ok(.init(body: .json(try await admin.signingKeys().map(Components.Schemas.SigningKey.init))))
        }
    }

    func postSigningKeysRotate(_ input: Operations.PostSigningKeysRotate.Input) async throws -> Operations.PostSigningKeysRotate.Output {
        await perform("create:signing_keys", refused: Operations.PostSigningKeysRotate.Output.default) { admin in
            var algorithm = SigningAlgorithm.rs256
            if case .json(let body) = input.body, let named = body.alg {
                algorithm = SigningAlgorithm(rawValue: named.rawValue) ?? .rs256
            }
            guard let kid = try await admin.rotateKeys(algorithm) else {
                throw RegistrationError.invalid("there is no \(algorithm.rawValue) key to rotate")
            }
            return .created(.init(body: .json(.init(kid: kid, alg: algorithm.rawValue))))
        }
    }
}

extension Components.Schemas.SigningKey {
    init(_ key: SigningKeyInfo) {
        self.init(kid: key.kid, alg: key.algorithm,
                  current: key.state == .current, next: key.state == .next, previous: key.state == .retired,
                  currentSince: key.activatedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                  currentUntil: key.retiredAt.map { Date(timeIntervalSince1970: TimeInterval($0)) })
    }
}
