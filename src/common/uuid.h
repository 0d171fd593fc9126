#pragma once
#include <string>

namespace tideline {
// A random (version 4) UUID in lowercase canonical form.
std::string NewUuid();
}  // namespace tideline
