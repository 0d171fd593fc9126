#pragma once
// The wall clock, read one way everywhere: epoch milliseconds for what DynamoDB reports
// (creation times, export times, token expiry), epoch microseconds for storage's commit clock.

#include <chrono>
#include <cstdint>

namespace tideline {

inline int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tideline
