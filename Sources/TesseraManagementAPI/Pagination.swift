import TesseraServer

/// Auth0's two list shapes: a plain array, or with `include_totals=true` an object that says
/// where the page starts and how many items there are in all (`{start, limit, length, total, …}`).
struct Pagination {
    var start: Int
    var limit: Int
    var length: Int
    var total: Int

    init<Item>(_ page: ResultPage<Item>) {
        start = page.request.offset
        limit = page.request.perPage
        length = page.items.count
        total = page.total
    }
}
