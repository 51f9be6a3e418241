#ifndef TESSERA_SQLITE_H
#define TESSERA_SQLITE_H

/// The handful of SQLite C functions Tessera calls directly, on the SQLite library that sqlite-nio
/// already builds into every binary (its symbols carry sqlite-nio's `sqlite_nio_` prefix, and its
/// C target is not a product another package can import, so the prototypes are repeated here,
/// exactly as sqlite-nio's own header declares them).
///
/// Why call SQLite directly: sqlite-nio runs every statement on a thread pool and hops back, three
/// thread wake-ups per statement; a token exchange is a six-statement transaction behind SQLite's
/// single writer, so those hops, not SQLite, set the exchange rate. Statements run inline here,
/// prepared once and cached.

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef long long int sqlite3_int64;

#define TESSERA_SQLITE_OK 0
#define TESSERA_SQLITE_ROW 100
#define TESSERA_SQLITE_DONE 101
#define TESSERA_SQLITE_INTEGER 1
#define TESSERA_SQLITE_FLOAT 2
#define TESSERA_SQLITE_TEXT 3
#define TESSERA_SQLITE_BLOB 4
#define TESSERA_SQLITE_NULL 5
#define TESSERA_SQLITE_OPEN_READWRITE 0x00000002
#define TESSERA_SQLITE_OPEN_CREATE 0x00000004
#define TESSERA_SQLITE_OPEN_NOMUTEX 0x00008000
#define TESSERA_SQLITE_PREPARE_PERSISTENT 0x01

int sqlite_nio_sqlite3_open_v2(const char *filename, sqlite3 **ppDb, int flags, const char *zVfs);
int sqlite_nio_sqlite3_close_v2(sqlite3 *);
int sqlite_nio_sqlite3_busy_timeout(sqlite3 *, int ms);
int sqlite_nio_sqlite3_prepare_v3(sqlite3 *db, const char *zSql, int nByte, unsigned int prepFlags,
                                  sqlite3_stmt **ppStmt, const char **pzTail);
int sqlite_nio_sqlite3_bind_int64(sqlite3_stmt *, int, sqlite3_int64);
int sqlite_nio_sqlite3_bind_double(sqlite3_stmt *, int, double);
int sqlite_nio_sqlite3_bind_text(sqlite3_stmt *, int, const char *, int, void (*)(void *));
int sqlite_nio_sqlite3_bind_blob(sqlite3_stmt *, int, const void *, int n, void (*)(void *));
int sqlite_nio_sqlite3_bind_null(sqlite3_stmt *, int);
int sqlite_nio_sqlite3_step(sqlite3_stmt *);
int sqlite_nio_sqlite3_reset(sqlite3_stmt *pStmt);
int sqlite_nio_sqlite3_clear_bindings(sqlite3_stmt *);
int sqlite_nio_sqlite3_finalize(sqlite3_stmt *pStmt);
int sqlite_nio_sqlite3_column_count(sqlite3_stmt *pStmt);
const char *sqlite_nio_sqlite3_column_name(sqlite3_stmt *, int N);
int sqlite_nio_sqlite3_column_type(sqlite3_stmt *, int iCol);
sqlite3_int64 sqlite_nio_sqlite3_column_int64(sqlite3_stmt *, int iCol);
double sqlite_nio_sqlite3_column_double(sqlite3_stmt *, int iCol);
const unsigned char *sqlite_nio_sqlite3_column_text(sqlite3_stmt *, int iCol);
const void *sqlite_nio_sqlite3_column_blob(sqlite3_stmt *, int iCol);
int sqlite_nio_sqlite3_column_bytes(sqlite3_stmt *, int iCol);
const char *sqlite_nio_sqlite3_errmsg(sqlite3 *);

/// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
static inline void (*tessera_sqlite_transient(void))(void *) { return (void (*)(void *))-1; }

#endif
