import Foundation
import Testing
import TesseraCore

@Suite("Refresh reuse detection and the grace window")
struct RefreshGraceTests {
    @Test("grace off (the default): 20 concurrent refreshes of one token — exactly one 200, and the reuse revokes the family", arguments: TestEngine.all)
    func concurrentRefreshesWithoutGrace(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let tokens = try await RefreshAndRevocationTests.tokens(server, client)
            let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for _ in 0..<20 { group.addTask { try await server.refresh(tokens.refresh, client: client) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = results.filter { $0.status == 200 }
            #expect(winners.count == 1)
            #expect(results.filter { $0.oauthError == "invalid_grant" }.count == 19)
            let successor = try #require(winners.first?.json["refresh_token"] as? String)
            TokenEndpointErrorTests.expectError(try await server.refresh(successor, client: client), "invalid_grant")
        }
    }

    @Test("grace on: the immediately previous token refreshes again within the window, and the family survives", arguments: TestEngine.all)
    func graceCoversPreviousToken(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.refreshGraceSeconds = 10 }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let first = try await RefreshAndRevocationTests.tokens(server, client)
            let a = try await server.refresh(first.refresh, client: client)
            server.clock.advance(by: 5)
            let b = try await server.refresh(first.refresh, client: client)
            #expect(a.status == 200)
            #expect(b.status == 200, "the concurrent twin refresh is honoured within the window")
            let aToken = try #require(a.json["refresh_token"] as? String)
            let bToken = try #require(b.json["refresh_token"] as? String)
            #expect(aToken != bToken)
            #expect(try await server.userInfo(try #require(a.json["access_token"] as? String)).status == 200)
            #expect(try await server.refresh(bToken, client: client).status == 200)
        }
    }

    @Test("grace reuse by a thief: the earlier successor is superseded, and presenting it is reuse that revokes the family", arguments: TestEngine.all)
    func graceReuseSupersedesEarlierSuccessor(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.refreshGraceSeconds = 10 }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let first = try await RefreshAndRevocationTests.tokens(server, client)
            let earlier = try #require(try await server.refresh(first.refresh, client: client).json["refresh_token"] as? String)
            server.clock.advance(by: 5)
            let graced = try await server.refresh(first.refresh, client: client)
            let branch = try #require(graced.json["refresh_token"] as? String)
            let caller = basicAuthorization(id: client.id, secret: client.secret!)
            #expect(try await server.introspect(earlier, caller: caller).json["active"] as? Bool == false,
                    "the grace reuse leaves one live refresh token, not a second branch")
            #expect(try await server.introspect(branch, caller: caller).json["active"] as? Bool == true)

            TokenEndpointErrorTests.expectError(try await server.refresh(earlier, client: client), "invalid_grant")
            TokenEndpointErrorTests.expectError(try await server.refresh(branch, client: client), "invalid_grant")
            #expect(try await server.userInfo(try #require(graced.json["access_token"] as? String)).status == 401)
        }
    }

    @Test("grace on: 10 concurrent graced refreshes of one token leave exactly one live refresh token; the others are invalid_grant", arguments: TestEngine.all)
    func concurrentGracedRefreshesLeaveOneLiveToken(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.refreshGraceSeconds = 10 }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let first = try await RefreshAndRevocationTests.tokens(server, client)
            let rotated = try await server.refresh(first.refresh, client: client)
            let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for _ in 0..<10 { group.addTask { try await server.refresh(first.refresh, client: client) } }
                return try await group.reduce(into: [rotated]) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.status == 200 }, "every refresh within the window is honoured")
            let returned = results.compactMap { $0.json["refresh_token"] as? String }
            #expect(Set(returned).count == 11)

            // Introspection reads without using: find the one live token before refreshing any.
            let caller = basicAuthorization(id: client.id, secret: client.secret!)
            var live: [String] = []
            for token in returned {
                if try await server.introspect(token, caller: caller).json["active"] as? Bool == true { live.append(token) }
            }
            #expect(live.count == 1, "exactly one live refresh token per grant")
            let survivor = try #require(live.first)
            #expect(try await server.refresh(survivor, client: client).status == 200)
            for token in returned where token != survivor {
                TokenEndpointErrorTests.expectError(try await server.refresh(token, client: client), "invalid_grant")
            }
        }
    }

    @Test("grace on: older generations and late replays are still reuse, and revoke the family", arguments: TestEngine.all)
    func graceNeverCoversOlderGenerations(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.refreshGraceSeconds = 10 }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let first = try await RefreshAndRevocationTests.tokens(server, client)
            let second = try #require(try await server.refresh(first.refresh, client: client).json["refresh_token"] as? String)
            let third = try #require(try await server.refresh(second, client: client).json["refresh_token"] as? String)
            // `first` is two generations old: its successor has itself been used.
            TokenEndpointErrorTests.expectError(try await server.refresh(first.refresh, client: client), "invalid_grant")
            TokenEndpointErrorTests.expectError(try await server.refresh(third, client: client), "invalid_grant")
        }
    }

    @Test("grace on: a replay after the window has passed is reuse", arguments: TestEngine.all)
    func graceExpires(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.refreshGraceSeconds = 10 }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let first = try await RefreshAndRevocationTests.tokens(server, client)
            let second = try #require(try await server.refresh(first.refresh, client: client).json["refresh_token"] as? String)
            server.clock.advance(by: 11)
            TokenEndpointErrorTests.expectError(try await server.refresh(first.refresh, client: client), "invalid_grant")
            TokenEndpointErrorTests.expectError(try await server.refresh(second, client: client), "invalid_grant")
        }
    }
}
