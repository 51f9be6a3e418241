import TesseraCore

extension OAuthError {
    /// The `WWW-Authenticate: DPoP` challenge of RFC 9449 §7.1 for this error, naming the proof
    /// algorithms accepted (`algs`), so a client can pick a key that will be taken.
    func dpopChallenge(algorithms: [String]) -> String {
        "DPoP " + challengeParameters + ", " + Self.algs(algorithms)
    }

    /// The bare `WWW-Authenticate: DPoP algs="…"` challenge (RFC 9449 §7.1): sent beside `Bearer`
    /// when a request presented no DPoP-bound token, to say the endpoint takes DPoP too.
    static func dpopChallenge(algorithms: [String]) -> String {
        "DPoP " + algs(algorithms)
    }

    private static func algs(_ algorithms: [String]) -> String {
        #"algs="\#(algorithms.joined(separator: " "))""#
    }
}
