/// Identifiers made of letters and digits only, from the system's CSPRNG: never base64url, whose
/// `-` and `_` would let an id start with `-`, which a command line reads as a flag.
enum RandomIdentifier {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `count` letters and digits (about 5.95 bits each).
    static func alphanumeric(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<count).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
    }
}
