#include "common/key_schema.h"

namespace tideline::common {
namespace {

// Indexed by AvType.
const char* const kTypeNames[] = {"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"};

}  // namespace

const char* AvTypeName(AvType t) { return kTypeNames[static_cast<int>(t)]; }

bool AvTypeFromName(std::string_view name, AvType* t) {
  for (int i = 0; i <= static_cast<int>(AvType::kBS); ++i) {
    if (name == kTypeNames[i]) {
      *t = static_cast<AvType>(i);
      return true;
    }
  }
  return false;
}

}  // namespace tideline::common
