#pragma once
// What ListExports and ListImports share: the checks of their TableArn and page-size members
// (the model's constraints, as ValidationErrors), and the lowercase hex their NextTokens are
// written in (ListImports' token must match the model's ([0-9a-f]{16})+; ListExports' follows).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/request.h"

namespace tideline::api {

// TableArn: 1..1024 characters; the page size (`page_size_member`: "maxResults" or
// "pageSize"): 1..25.
void CheckListMembers(ValidationErrors& errors, std::optional<std::string_view> table_arn,
                      std::optional<int64_t> page_size, std::string_view page_size_member);

std::string ToHex(std::string_view bytes);
// false on an odd length or a character other than [0-9a-f].
bool FromHex(std::string_view hex, std::string* bytes);

}  // namespace tideline::api
