// Compiles against storage/'s include root: its own headers and those of the modules below it.
#include "common/status.h"
#include "storage/table_meta.h"
