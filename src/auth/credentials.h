#pragma once
// The keys Tideline accepts, read from a file in the AWS shared-credentials format
// (~/.aws/credentials works as it is):
//
//   [default]
//   aws_access_key_id = AKIDEXAMPLE
//   aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
//   aws_session_token = ...        ; optional: requests must then carry it (X-Amz-Security-Token)
//   account_id = 111122223333      ; optional (also spelled aws_account_id): the account in the
//                                  ; ARNs of requests signed with this key
//
// The syntax is aws/ini_file.h's ('#'/';' comments, case-insensitive names, blanks around '='
// ignored). Other keys (region, output, ...) are ignored, as the SDKs ignore them here.
// A section without an access key id is skipped (a profile that uses SSO, say); a section with
// an id but no secret, two sections with the same id, or an account id that is not 12 digits
// is an error.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tideline::auth {

struct KeyEntry {
  std::string profile;  // the section name, for messages
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none
  std::string account_id;     // empty: the server's --account-id
};

// Parses the text of a credentials file. `source` names it in error messages.
Status ParseCredentials(std::string_view text, std::string_view source, std::vector<KeyEntry>* out);
// Reads and parses the file at `path`. A file without any key is an error.
Status LoadCredentialsFile(const std::string& path, std::vector<KeyEntry>* out);

}  // namespace tideline::auth
