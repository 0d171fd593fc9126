#pragma once
// Giving freed memory back to the operating system. tcmalloc (linked into the server binary)
// keeps the pages of freed large buffers for reuse and returns them only slowly, so after a
// burst of large or slow requests the process would stay at its peak size. The server calls
// this a little at a time after it frees large buffers.

#include <cstddef>

namespace tideline::http {

// Returns at least `bytes` (if the allocator holds that many free) to the system. With tcmalloc
// this is MallocExtension::ReleaseToSystem; with glibc's malloc, malloc_trim. Thread-safe; takes
// a few milliseconds per 64 MB.
void ReleaseFreeMemory(size_t bytes);

}  // namespace tideline::http
