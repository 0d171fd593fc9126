#include "auth/credentials.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace tideline::auth {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

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

}  // namespace

Status ParseCredentials(std::string_view text, std::string_view source,
                        std::vector<KeyEntry>* out) {
  out->clear();
  KeyEntry current;
  bool in_section = false;
  int section_line = 0;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = Trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return Invalid(source, line_no, "a section header must end with ']'");
      if (in_section) {
        if (Status s = Finish(source, section_line, std::move(current), out); !s.ok()) return s;
      }
      current = KeyEntry();
      current.profile = std::string(Trim(line.substr(1, line.size() - 2)));
      in_section = true;
      section_line = line_no;
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Invalid(source, line_no, "expected 'name = value' or '[section]'");
    }
    if (!in_section) return Invalid(source, line_no, "a setting before the first [section]");
    const std::string name = Lower(Trim(line.substr(0, eq)));
    const std::string_view value = Trim(line.substr(eq + 1));
    if (name == "aws_access_key_id") {
      current.access_key_id = std::string(value);
    } else if (name == "aws_secret_access_key") {
      current.secret_access_key = std::string(value);
    } else if (name == "aws_session_token") {
      current.session_token = std::string(value);
    } else if (name == "account_id" || name == "aws_account_id") {
      if (!IsAccountId(value)) {
        return Invalid(source, line_no,
                       "an account id is 12 digits, not '" + std::string(value) + "'");
      }
      current.account_id = std::string(value);
    }
  }
  if (in_section) {
    if (Status s = Finish(source, section_line, std::move(current), out); !s.ok()) return s;
  }
  return Status::OK();
}

Status LoadCredentialsFile(const std::string& path, std::vector<KeyEntry>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read the credentials file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (Status s = ParseCredentials(text.str(), path, out); !s.ok()) return s;
  if (out->empty()) {
    return Status::InvalidArgument("the credentials file " + path +
                                   " has no section with aws_access_key_id and "
                                   "aws_secret_access_key");
  }
  return Status::OK();
}

}  // namespace tideline::auth
