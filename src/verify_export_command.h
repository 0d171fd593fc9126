#pragma once
// The `tideline verify-export` subcommand (src/verify_export_command.cc).

#include <string>
#include <vector>

namespace tideline {

// Replaces the process with the verifier given `args` (what followed "verify-export"); returns
// only on failure, with exit status 2.
int RunVerifyExport(const std::vector<std::string>& args);

}  // namespace tideline
