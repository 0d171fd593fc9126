// Must not compile against storage/'s include root: model/ is not below storage/.
#include "model/key_codec.h"
