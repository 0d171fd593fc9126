// Must not compile against storage/'s include root: storage/ returns Status, never ApiError.
#include "common/api_error.h"
