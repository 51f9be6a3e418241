#ifndef TESSERA_CSQLITE_SHIM_H
#define TESSERA_CSQLITE_SHIM_H

// The system's SQLite (Debian: libsqlite3-dev), called directly by TesseraServer's SQLite engine.
//
// Why call SQLite's C API rather than a driver: a driver that runs each statement on a thread pool
// pays three thread wake-ups per statement, and a token exchange is a six-statement transaction
// behind SQLite's single writer, so those hops, not SQLite, would set the exchange rate.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: SQLite copies bound text and blobs
// before the bind call returns.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

#endif
