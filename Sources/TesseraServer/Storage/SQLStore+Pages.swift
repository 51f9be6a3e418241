import SQLKit

extension SQLStore {
    /// One page of the rows `select` returns, and how many rows there are in all, read on one
    /// connection: the listings of the administration layer (Auth0's `page`, `per_page`, `total`).
    ///
    /// - Parameters:
    ///   - select: the query without LIMIT or OFFSET; it must ORDER BY a unique key, so pages neither
    ///     repeat nor skip a row.
    ///   - count: the same rows' `COUNT(*) AS total`.
    func page<Item: Sendable>(
        _ request: PageRequest, select: SQLQueryString, count: SQLQueryString,
        _ decode: @escaping @Sendable (any SQLRow) throws -> Item
    ) async throws -> ResultPage<Item> {
        try await engine.read { database in
            let total = try await database.raw(count).first()?.value("total", as: Int.self) ?? 0
            let rows = try await database.raw(select + " LIMIT \(bind: request.perPage) OFFSET \(bind: request.offset)").all()
            return ResultPage(items: try rows.map(decode), request: request, total: total)
        }
    }

    /// ` FOR UPDATE` on PostgreSQL, so a read-then-write transaction holds the row it read against
    /// a concurrent writer; nothing on SQLite, whose write transactions already exclude each other.
    var lockingClause: SQLQueryString {
        engine.flavor == .postgres ? " FOR UPDATE" : ""
    }
}
