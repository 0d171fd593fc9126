// Must not compile against storage/'s include root: expr/ is above storage/.
#include "expr/expressions.h"
