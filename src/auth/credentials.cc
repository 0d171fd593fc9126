#include "auth/credentials.h"

#include <algorithm>

#include "aws/ini_file.h"

namespace tideline::auth {
namespace {

bool IsAccountId(std::string_view s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status Invalid(std::string_view source, int line, const std::string& what) {
  return Status::InvalidArgument(std::string(source) + ":" + std::to_string(line) + ": " + what);
}

// Validates the section just read and appends it to *out when it names a key.
Status Finish(std::string_view source, int line, KeyEntry entry, std::vector<KeyEntry>* out) {
  if (entry.access_key_id.empty()) {
    // A profile without static keys (SSO, role, process): nothing for us to verify against.
    if (!entry.secret_access_key.empty()) {
      return Invalid(source, line,
                     "[" + entry.profile + "] has aws_secret_access_key but no aws_access_key_id");
    }
    return Status::OK();
  }
  if (entry.secret_access_key.empty()) {
    return Invalid(source, line, "[" + entry.profile + "] has no aws_secret_access_key");
  }
  for (const KeyEntry& other : *out) {
    if (other.access_key_id == entry.access_key_id) {
      return Invalid(source, line,
                     "access key " + entry.access_key_id + " is in both [" + other.profile +
                         "] and [" + entry.profile + "]");
    }
  }
  out->push_back(std::move(entry));
  return Status::OK();
}

// The keys of the sections of a parsed credentials file.
Status KeysOf(const std::vector<aws::IniSection>& sections, std::string_view source,
              std::vector<KeyEntry>* out) {
  out->clear();
  for (const aws::IniSection& section : sections) {
    KeyEntry entry;
    entry.profile = section.name;
    for (const aws::IniSetting& setting : section.settings) {
      if (setting.name == "aws_access_key_id") {
        entry.access_key_id = setting.value;
      } else if (setting.name == "aws_secret_access_key") {
        entry.secret_access_key = setting.value;
      } else if (setting.name == "aws_session_token") {
        entry.session_token = setting.value;
      } else if (setting.name == "account_id" || setting.name == "aws_account_id") {
        if (!IsAccountId(setting.value)) {
          return Invalid(source, setting.line,
                         "an account id is 12 digits, not '" + setting.value + "'");
        }
        entry.account_id = setting.value;
      }
    }
    if (Status s = Finish(source, section.line, std::move(entry), out); !s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

Status ParseCredentials(std::string_view text, std::string_view source,
                        std::vector<KeyEntry>* out) {
  out->clear();
  std::vector<aws::IniSection> sections;
  if (Status s = aws::ParseIni(text, source, &sections); !s.ok()) return s;
  return KeysOf(sections, source, out);
}

Status LoadCredentialsFile(const std::string& path, std::vector<KeyEntry>* out) {
  out->clear();
  std::vector<aws::IniSection> sections;
  Status s = aws::ReadIniFile(path, &sections);
  if (s.code() == Status::Code::kIOError)
    return Status::IOError("cannot read the credentials file " + path);
  if (!s.ok()) return s;
  s = KeysOf(sections, path, out);
  if (!s.ok()) return s;
  if (out->empty()) {
    return Status::InvalidArgument("the credentials file " + path +
                                   " has no section with aws_access_key_id and "
                                   "aws_secret_access_key");
  }
  return Status::OK();
}

}  // namespace tideline::auth
