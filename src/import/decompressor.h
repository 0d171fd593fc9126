#pragma once
// Decompressor: streaming decompression of one import object by its InputCompressionType, in
// bounded memory (one output chunk) whatever the object's size.
//   GZIP: zlib, any number of concatenated members (what `gzip` and `cat a.gz b.gz` make);
//   ZSTD: libzstd frames, concatenated frames included;
//   NONE: the bytes as they are.

#include <functional>
#include <memory>
#include <string_view>

#include "common/status.h"

namespace tideline::importer {

class Decompressor {
 public:
  // Receives decompressed bytes; returns false to stop (then Write returns OK at once).
  using Output = std::function<bool(std::string_view)>;
  virtual ~Decompressor() = default;
  // Decompresses `input` (the next piece of the object). Corruption on data that is not in the
  // format; `*stopped` is set when `out` asked to stop.
  virtual Status Write(std::string_view input, const Output& out, bool* stopped) = 0;
  // Corruption when the object ended inside a member/frame (a truncated object).
  virtual Status Finish() = 0;
};

// `compression` is GZIP, ZSTD or NONE (the request was validated).
std::unique_ptr<Decompressor> NewDecompressor(std::string_view compression);

}  // namespace tideline::importer
