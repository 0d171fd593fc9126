// LoadCredentialsFromEnvironment: the standard AWS credential chain, minus the network sources
// (no instance metadata, no SSO): environment variables, then the shared credentials file.
//
// Shared files are INI: "[section]" lines, "key = value" lines, '#' or ';' comments. In the
// credentials file a profile's section is its bare name; in the config file it is
// "[profile NAME]" except for "[default]".

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "s3/sink.h"

namespace tideline::s3 {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The key/value pairs of section `wanted` in INI file `path` (empty if absent or unreadable).
std::map<std::string, std::string> ReadSection(const std::string& path, const std::string& wanted) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  if (!in) return out;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      in_section = Trim(t.substr(1, t.size() - 2)) == wanted;
      continue;
    }
    if (!in_section) continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(t.substr(0, eq));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out[key] = Trim(t.substr(eq + 1));
  }
  return out;
}

std::string HomeFile(const char* relative) {
  std::string home = Env("HOME");
  return home.empty() ? std::string() : home + "/" + relative;
}

}  // namespace

void LoadCredentialsFromEnvironment(S3Config* config) {
  std::string profile = Env("AWS_PROFILE");
  if (profile.empty()) profile = Env("AWS_DEFAULT_PROFILE");
  if (profile.empty()) profile = "default";

  std::string key_id = Env("AWS_ACCESS_KEY_ID");
  std::string secret = Env("AWS_SECRET_ACCESS_KEY");
  if (!key_id.empty() && !secret.empty()) {
    config->access_key_id = key_id;
    config->secret_access_key = secret;
    std::string token = Env("AWS_SESSION_TOKEN");
    if (token.empty()) token = Env("AWS_SECURITY_TOKEN");  // the older name, still honoured
    config->session_token = token;
  } else {
    std::string path = Env("AWS_SHARED_CREDENTIALS_FILE");
    if (path.empty()) path = HomeFile(".aws/credentials");
    auto section = ReadSection(path, profile);
    if (!section["aws_access_key_id"].empty() && !section["aws_secret_access_key"].empty()) {
      config->access_key_id = section["aws_access_key_id"];
      config->secret_access_key = section["aws_secret_access_key"];
      config->session_token = section["aws_session_token"];
    }
  }

  std::string region = Env("AWS_REGION");
  if (region.empty()) region = Env("AWS_DEFAULT_REGION");
  if (region.empty()) {
    std::string path = Env("AWS_CONFIG_FILE");
    if (path.empty()) path = HomeFile(".aws/config");
    region = ReadSection(path, profile == "default" ? "default" : "profile " + profile)["region"];
  }
  if (!region.empty()) config->region = region;

  std::string ca_bundle = Env("AWS_CA_BUNDLE");
  if (!ca_bundle.empty() && config->ca_bundle.empty()) config->ca_bundle = ca_bundle;
}

}  // namespace tideline::s3
