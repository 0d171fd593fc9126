// LoadCredentialsFromEnvironment: the standard AWS credential chain, minus the network sources
// (no instance metadata, no SSO): environment variables, then the shared credentials file.
//
// Shared files are INI (aws/ini_file.h). In the credentials file a profile's section is its bare
// name; in the config file it is
// "[profile NAME]" except for "[default]".

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "aws/ini_file.h"
#include "s3/sink.h"

namespace tideline::s3 {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// The settings of section `wanted` in the shared file at `path`, empty when the file is absent,
// unreadable or malformed: the SDKs' chain then goes on without it (aws/ini_file.h parses it).
std::map<std::string, std::string> ReadSection(const std::string& path, const std::string& wanted) {
  std::map<std::string, std::string> out;
  std::vector<aws::IniSection> sections;
  if (path.empty() || !aws::ReadIniFile(path, &sections).ok()) return out;
  for (const aws::IniSection& section : sections) {
    if (section.name != wanted) continue;
    for (const aws::IniSetting& setting : section.settings) out[setting.name] = setting.value;
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
