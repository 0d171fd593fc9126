// `tideline verify-export ...`: runs the export verifier, tools/verify-export/verify_export.py
// (docs/verify-export.md). The checks are in Python because they read both destinations (a
// directory or S3 through boto3) and compare with a table through the DynamoDB API, which the
// tool does with the same SDK a user has; the subcommand only finds the script and hands over.

#include "verify_export_command.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace tideline {

namespace {

// The script: $TIDELINE_VERIFY_EXPORT_SCRIPT, else beside the binary's tree (build/tideline ->
// tools/verify-export/), else an installed copy (bin/tideline -> share/tideline/).
std::string FindScript() {
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

}  // namespace

int RunVerifyExport(const std::vector<std::string>& args) {
  const std::string script = FindScript();
  if (script.empty()) {
    std::fprintf(stderr,
                 "verify-export: tools/verify-export/verify_export.py not found beside this "
                 "binary; set TIDELINE_VERIFY_EXPORT_SCRIPT to its path\n");
    return 2;
  }
  std::vector<std::string> argv_strings = {"python3", script};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  execvp("python3", argv.data());
  std::perror("verify-export: cannot run python3");
  return 2;
}

}  // namespace tideline
