#include "api/list_paging.h"

namespace tideline::api {

void CheckListMembers(ValidationErrors& errors, std::optional<std::string_view> table_arn,
                      std::optional<int64_t> page_size, std::string_view page_size_member) {
  if (table_arn && (table_arn->empty() || table_arn->size() > 1024))
    errors.Add(ValidationErrors::Quote(*table_arn), "tableArn",
               table_arn->empty() ? "Member must have length greater than or equal to 1"
                                  : "Member must have length less than or equal to 1024");
  if (page_size && *page_size < 1)
    errors.Add(ValidationErrors::Quote(std::to_string(*page_size)), page_size_member,
               "Member must have value greater than or equal to 1");
  if (page_size && *page_size > 25)
    errors.Add(ValidationErrors::Quote(std::to_string(*page_size)), page_size_member,
               "Member must have value less than or equal to 25");
}

std::string ToHex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool FromHex(std::string_view hex, std::string* bytes) {
  if (hex.size() % 2) return false;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  bytes->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = val(hex[i]), lo = val(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

}  // namespace tideline::api
