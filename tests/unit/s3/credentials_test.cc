// LoadCredentialsFromEnvironment: environment variables first, then the shared files.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "s3/sink.h"

namespace tideline::s3 {
namespace {

namespace fs = std::filesystem;

const char* const kVars[] = {
    "AWS_ACCESS_KEY_ID",           "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",          "AWS_PROFILE",           "AWS_DEFAULT_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",       "AWS_REGION",
    "AWS_DEFAULT_REGION",          "AWS_CA_BUNDLE",         "HOME"};

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : kVars) {
      const char* old = std::getenv(v);
      saved_[v] = old ? std::optional<std::string>(old) : std::nullopt;
      ::unsetenv(v);
    }
    dir_ = fs::temp_directory_path() / ("tideline-creds-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / ".aws");
    ::setenv("HOME", dir_.c_str(), 1);
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
    fs::remove_all(dir_);
  }
  void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  fs::path dir_;
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(CredentialsTest, EnvironmentVariablesWin) {
  Write(dir_ / ".aws/credentials", "[default]\naws_access_key_id=FILE\naws_secret_access_key=F\n");
  ::setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "SECRETENV", 1);
  ::setenv("AWS_SESSION_TOKEN", "TOKENENV", 1);
  ::setenv("AWS_DEFAULT_REGION", "eu-north-1", 1);
  ::setenv("AWS_CA_BUNDLE", "/etc/ca.pem", 1);
  S3Config c;
  LoadCredentialsFromEnvironment(&c);
  EXPECT_EQ(c.access_key_id, "AKENV");
  EXPECT_EQ(c.secret_access_key, "SECRETENV");
  EXPECT_EQ(c.session_token, "TOKENENV");
  EXPECT_EQ(c.region, "eu-north-1");
  EXPECT_EQ(c.ca_bundle, "/etc/ca.pem");
  ::setenv("AWS_REGION", "ap-south-1", 1);  // AWS_REGION beats AWS_DEFAULT_REGION
  LoadCredentialsFromEnvironment(&c);
  EXPECT_EQ(c.region, "ap-south-1");
}

TEST_F(CredentialsTest, DefaultProfileFromHomeFile) {
  Write(dir_ / ".aws/credentials",
        "# comment\n[other]\naws_access_key_id = OTHER\naws_secret_access_key = O\n\n"
        "[default]\n  aws_access_key_id = AKFILE  \naws_secret_access_key=SEC/RET+=\n"
        "aws_session_token = TOK\n");
  Write(dir_ / ".aws/config", "[default]\nregion = us-west-2\n[profile other]\nregion=eu-west-3\n");
  S3Config c;
  LoadCredentialsFromEnvironment(&c);
  EXPECT_EQ(c.access_key_id, "AKFILE");
  EXPECT_EQ(c.secret_access_key, "SEC/RET+=");
  EXPECT_EQ(c.session_token, "TOK");
  EXPECT_EQ(c.region, "us-west-2");
}

TEST_F(CredentialsTest, NamedProfileAndExplicitFiles) {
  Write(dir_ / "creds",
        "[default]\naws_access_key_id=D\naws_secret_access_key=D\n"
        "[ci]\naws_access_key_id=AKCI\naws_secret_access_key=SCI\n");
  Write(dir_ / "conf", "[profile ci]\nregion=eu-west-3\n");
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", (dir_ / "creds").c_str(), 1);
  ::setenv("AWS_CONFIG_FILE", (dir_ / "conf").c_str(), 1);
  ::setenv("AWS_PROFILE", "ci", 1);
  S3Config c;
  LoadCredentialsFromEnvironment(&c);
  EXPECT_EQ(c.access_key_id, "AKCI");
  EXPECT_EQ(c.secret_access_key, "SCI");
  EXPECT_EQ(c.session_token, "");
  EXPECT_EQ(c.region, "eu-west-3");
}

TEST_F(CredentialsTest, NothingFoundKeepsConfig) {
  S3Config c;
  c.access_key_id = "preset";
  c.secret_access_key = "preset-secret";
  c.region = "sa-east-1";
  ::setenv("AWS_ACCESS_KEY_ID", "only-half", 1);  // no secret: ignored
  LoadCredentialsFromEnvironment(&c);
  EXPECT_EQ(c.access_key_id, "preset");
  EXPECT_EQ(c.secret_access_key, "preset-secret");
  EXPECT_EQ(c.region, "sa-east-1");
}

}  // namespace
}  // namespace tideline::s3
