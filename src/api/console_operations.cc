#include "api/console_operations.h"

#include <unordered_map>

namespace tideline::api {

Operation FindConsoleOperation(std::string_view name) {
  static const std::unordered_map<std::string_view, Operation> kOperations = {
#define TIDELINE_REGISTER_OPERATION(name) {#name, &Execute##name},
      TIDELINE_CONSOLE_OPERATIONS(TIDELINE_REGISTER_OPERATION)
#undef TIDELINE_REGISTER_OPERATION
  };
  auto it = kOperations.find(name);
  return it == kOperations.end() ? nullptr : it->second;
}

}  // namespace tideline::api
