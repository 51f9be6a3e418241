// Declarations only: the functions are sqlite-nio's, linked into every Tessera binary.
#include "tessera_sqlite.h"
