import Testing
@testable import TesseraServer

@Suite("Client ids")
struct ClientIDTests {
    @Test("a client id is 32 letters and digits, so it never starts with '-' and a command line never reads it as a flag (was base64url: 1 in 64 did)")
    func alphanumeric() {
        let ids = (0..<2_000).map { _ in Client.newID() }
        for id in ids {
            #expect(id.utf8.count == 32)
            #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "\(id)")
        }
        #expect(Set(ids).count == ids.count)
    }
}
