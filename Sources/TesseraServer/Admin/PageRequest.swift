/// Which page of a list to read, as Auth0's Management API v2 asks for it: `page` counts from 0,
/// `per_page` is 1…100 (50 when not given). `tessera … list` and the management API both read
/// lists through it, so both refuse the same out-of-range values the same way.
///
/// ```swift
/// let second = try PageRequest(page: 1, perPage: 20)
/// let clients = try await provider.administration.clients(second)   // clients 20…39, and the total
/// ```
public struct PageRequest: Sendable, Equatable {
    /// The largest page Auth0 serves.
    public static let maximumPerPage = 100
    /// The page size when none is asked for.
    public static let defaultPerPage = 50
    /// A bound on `page`, so `page × perPage` stays an offset every engine takes.
    public static let maximumPage = 1_000_000

    /// 0-based.
    public let page: Int
    public let perPage: Int

    /// The first page of ``defaultPerPage`` items.
    public init() {
        page = 0
        perPage = Self.defaultPerPage
    }

    /// - Throws: ``RegistrationError/invalid(_:)`` for a negative page or a page size outside 1…100.
    public init(page: Int = 0, perPage: Int = PageRequest.defaultPerPage) throws(RegistrationError) {
        guard (0...Self.maximumPage).contains(page) else {
            throw .invalid("page must be between 0 and \(Self.maximumPage)")
        }
        guard (1...Self.maximumPerPage).contains(perPage) else {
            throw .invalid("per_page must be between 1 and \(Self.maximumPerPage)")
        }
        self.page = page
        self.perPage = perPage
    }

    /// How many items come before this page: Auth0's `start`.
    public var offset: Int { page * perPage }
}

/// One page of a list, with how many items the whole list holds (Auth0's `include_totals`).
public struct ResultPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var request: PageRequest
    /// The number of items on every page together.
    public var total: Int

    public init(items: [Item], request: PageRequest, total: Int) {
        self.items = items
        self.request = request
        self.total = total
    }

    /// The same page with each item transformed (a record into its public form).
    public func map<Other: Sendable>(_ transform: (Item) throws -> Other) rethrows -> ResultPage<Other> {
        ResultPage<Other>(items: try items.map(transform), request: request, total: total)
    }
}

extension ResultPage: Equatable where Item: Equatable {}
