// `tideline verify-export ...`: runs the export verifier, tools/verify-export/verify_export.py
// (docs/verify-export.md). The checks are in Python because they read both destinations (a
// directory or S3 through boto3) and compare with a table through the DynamoDB API, which the
// tool does with the same SDK a user has; the subcommand only finds the script and hands over.

#include "verify_export_command.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "verify/verifier_script.h"

namespace tideline {

int RunVerifyExport(const std::vector<std::string>& args) {
  const std::string script = verify::FindVerifierScript();
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
