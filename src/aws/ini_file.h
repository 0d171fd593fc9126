#pragma once
// The one reader of AWS's shared config and credentials files (~/.aws/credentials,
// ~/.aws/config): INI text of "[section]" lines and "name = value" lines.
//
// Lines starting with '#' or ';' are comments; blanks around names, values and section names
// are ignored; names are case-insensitive (returned in lowercase). What the file means (which
// section is a profile, which names matter) is the caller's: auth/ (the keys Tideline accepts)
// and s3/ (the credentials the S3 client signs with).

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tideline::aws {

struct IniSetting {
  std::string name;  // lowercase
  std::string value;
  int line = 0;  // 1-based, for messages
};

struct IniSection {
  std::string name;
  int line = 0;
  std::vector<IniSetting> settings;  // in file order

  // The value of the last setting named `name` (lowercase), or nullptr.
  const IniSetting* Find(std::string_view name) const;
};

// Parses `text`. A section header without its ']', a line that is neither a comment, a section
// nor "name = value", or a setting before the first section is InvalidArgument
// "<source>:<line>: <what>".
Status ParseIni(std::string_view text, std::string_view source, std::vector<IniSection>* out);
// Reads and parses the file at `path` (IOError when it cannot be read).
Status ReadIniFile(const std::string& path, std::vector<IniSection>* out);

}  // namespace tideline::aws
