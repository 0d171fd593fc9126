#pragma once
// Where the export verifier, tools/verify-export/verify_export.py (docs/verify-export.md), is:
// one lookup for the `tideline verify-export` subcommand and the console's verifications.

#include <string>

namespace tideline::verify {

// $TIDELINE_VERIFY_EXPORT_SCRIPT, else beside the binary's tree (build/tideline ->
// tools/verify-export/), else an installed copy (bin/tideline -> share/tideline/); "" when none.
std::string FindVerifierScript();

}  // namespace tideline::verify
