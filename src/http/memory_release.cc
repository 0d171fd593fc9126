#include "http/memory_release.h"

#include <dlfcn.h>
#include <malloc.h>

namespace tideline::http {

namespace {

using ReleaseToSystemFn = void (*)(size_t);

// tcmalloc is linked into the server binary only (not into the unit tests), so its entry point
// is looked up at run time rather than linked against.
ReleaseToSystemFn FindTcmalloc() {
  return reinterpret_cast<ReleaseToSystemFn>(
      dlsym(RTLD_DEFAULT, "MallocExtension_ReleaseToSystem"));
}

}  // namespace

void ReleaseFreeMemory(size_t bytes) {
  static const ReleaseToSystemFn tcmalloc_release = FindTcmalloc();
  if (tcmalloc_release != nullptr) {
    tcmalloc_release(bytes);
  } else {
    malloc_trim(0);
  }
}

}  // namespace tideline::http
