#pragma once
// The errors only the import operations raise (kept out of common/api_error.h, which nearly
// every file includes).

#include <string>

#include "common/api_error.h"

namespace tideline::api {

inline ApiError ImportConflict(std::string msg) {
  return ApiError(400, "ImportConflictException", std::move(msg));
}
inline ApiError ImportNotFound(std::string msg) {
  return ApiError(400, "ImportNotFoundException", std::move(msg));
}

}  // namespace tideline::api
