#include "verify/output_tail.h"

#include <vector>

namespace tideline::verify {

void OutputTail::Append(std::string_view bytes) {
  if (bytes.size() >= capacity_) {
    truncated_ = truncated_ || !text_.empty() || bytes.size() > capacity_;
    text_.assign(bytes.substr(bytes.size() - capacity_));
    return;
  }
  text_.append(bytes);
  if (text_.size() > capacity_) {
    text_.erase(0, text_.size() - capacity_);
    truncated_ = true;
  }
}

std::string OutputTail::LastLine(std::string_view prefix) const {
  std::string_view text = text_;
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    start = end + 1;
  }
  // A line cut at the tail's start is not a whole line: it can only be a last resort.
  if (truncated_ && !lines.empty() && lines.front().data() == text.data() && lines.size() > 1) {
    lines.erase(lines.begin());
  }
  if (!prefix.empty()) {
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
      if (it->substr(0, prefix.size()) == prefix) return std::string(*it);
    }
  }
  return lines.empty() ? "" : std::string(lines.back());
}

}  // namespace tideline::verify
