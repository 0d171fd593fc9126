#pragma once
// The files of src/console/assets/, embedded in the binary at build time: CMake's
// cmake/EmbedFiles.cmake writes <build>/generated/console_embedded_files.cc, which defines
// these two names. Nothing is read from disk at run time, so the binary is all there is to
// install.

#include <cstddef>

namespace tideline::console {

struct EmbeddedFile {
  const char* name;  // path below src/console/assets/, '/'-separated, e.g. "app.js"
  const unsigned char* data;
  size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

}  // namespace tideline::console
