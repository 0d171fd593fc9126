#include "verify/verifier_script.h"

#include <cstdlib>
#include <filesystem>

namespace tideline::verify {

std::string FindVerifierScript() {
  if (const char* env = std::getenv("TIDELINE_VERIFY_EXPORT_SCRIPT")) return env;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const auto dir = exe.parent_path();
  for (const auto& candidate : {dir.parent_path() / "tools" / "verify-export" / "verify_export.py",
                                dir.parent_path() / "share" / "tideline" / "verify_export.py"}) {
    if (std::filesystem::exists(candidate, ec)) return candidate.string();
  }
  return "";
}

}  // namespace tideline::verify
