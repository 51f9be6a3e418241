import Testing

extension TesseraBinary.Output {
    /// The command line's contract for a refusal (DESIGN.md): a non-zero exit, exactly one
    /// `tessera: error:` line on stderr, and nothing on stdout.
    func expectRefusal(_ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status != 0, "\(comment): exit status 0", sourceLocation: sourceLocation)
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(comment): stderr: \(stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("tessera: error: ") == true, "\(comment): stderr: \(stderr)", sourceLocation: sourceLocation)
        #expect(stdout.isEmpty, "\(comment): stdout: \(stdout)", sourceLocation: sourceLocation)
    }
}
