#pragma once
// Tag lists ([{Key, Value}]) of CreateTable and TagResource, validated as DynamoDB does.

#include <string>
#include <utility>
#include <vector>

#include "api/request.h"

namespace tideline::api {

std::vector<std::pair<std::string, std::string>> ReadTags(const json::Value& tags,
                                                          ValidationErrors* errors);

}  // namespace tideline::api
