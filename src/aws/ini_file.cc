#include "aws/ini_file.h"

#include <fstream>
#include <sstream>

namespace tideline::aws {
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

Status Invalid(std::string_view source, int line, std::string_view what) {
  return Status::InvalidArgument(std::string(source) + ":" + std::to_string(line) + ": " +
                                 std::string(what));
}

}  // namespace

const IniSetting* IniSection::Find(std::string_view name) const {
  for (auto it = settings.rbegin(); it != settings.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

Status ParseIni(std::string_view text, std::string_view source, std::vector<IniSection>* out) {
  out->clear();
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
      out->push_back({std::string(Trim(line.substr(1, line.size() - 2))), line_no, {}});
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Invalid(source, line_no, "expected 'name = value' or '[section]'");
    }
    if (out->empty()) return Invalid(source, line_no, "a setting before the first [section]");
    out->back().settings.push_back(
        {Lower(Trim(line.substr(0, eq))), std::string(Trim(line.substr(eq + 1))), line_no});
  }
  return Status::OK();
}

Status ReadIniFile(const std::string& path, std::vector<IniSection>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseIni(text.str(), path, out);
}

}  // namespace tideline::aws
