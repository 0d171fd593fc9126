#pragma once
// Tag lists ([{Key, Value}]) of CreateTable and TagResource, validated as DynamoDB does.

#include <string>
#include <utility>
#include <vector>

#include "api/request.h"

namespace tideline::api {

// Reads and validates a tag list: lengths in characters (keys 1..128, values 0..256), AWS's tag
// alphabet, and at most 50 tags. Length violations are added to *errors and thrown with any
// others already there; the rest throw at once.
std::vector<std::pair<std::string, std::string>> ReadTags(const json::Value& tags,
                                                          ValidationErrors* errors);
// "The number of tags exceeds the limit of 50" when `count` is over 50 (a table's tags after
// TagResource, or a CreateTable request's).
void CheckTagCount(size_t count);

}  // namespace tideline::api
