#pragma once
// OutputTail: the last bytes a child process wrote, so that a chatty or runaway child cannot
// make the server hold its whole output. The verifier's verdict is its last line, which the
// tail always keeps.

#include <cstddef>
#include <string>
#include <string_view>

namespace tideline::verify {

class OutputTail {
 public:
  explicit OutputTail(size_t capacity) : capacity_(capacity) {}

  void Append(std::string_view bytes);
  // At most `capacity` bytes: the end of everything appended.
  const std::string& text() const { return text_; }
  // Whether earlier bytes were dropped.
  bool truncated() const { return truncated_; }
  // The last non-blank line that starts with `prefix` (without its line end), else the last
  // non-blank line, else "".
  std::string LastLine(std::string_view prefix = {}) const;

 private:
  size_t capacity_;
  std::string text_;
  bool truncated_ = false;
};

}  // namespace tideline::verify
