#include "api/operations.h"

#include <unordered_map>

namespace tideline::api {

Operation FindOperation(std::string_view name) {
  static const std::unordered_map<std::string_view, Operation> kOperations = {
#define TIDELINE_REGISTER_OPERATION(name) {#name, &Execute##name},
      TIDELINE_OPERATIONS(TIDELINE_REGISTER_OPERATION)
#undef TIDELINE_REGISTER_OPERATION
  };
  auto it = kOperations.find(name);
  return it == kOperations.end() ? nullptr : it->second;
}

Operation FindStreamsOperation(std::string_view name) {
  static const std::unordered_map<std::string_view, Operation> kOperations = {
#define TIDELINE_REGISTER_OPERATION(name) {#name, &Execute##name},
      TIDELINE_STREAMS_OPERATIONS(TIDELINE_REGISTER_OPERATION)
#undef TIDELINE_REGISTER_OPERATION
  };
  auto it = kOperations.find(name);
  return it == kOperations.end() ? nullptr : it->second;
}

std::string TableArn(const ServerConfig& config, const std::string& table_name) {
  return "arn:aws:dynamodb:" + config.region + ":" + config.account_id + ":table/" + table_name;
}

std::string StreamArn(const ServerConfig& config, const std::string& table_name,
                      const std::string& label) {
  return TableArn(config, table_name) + "/stream/" + label;
}

}  // namespace tideline::api
