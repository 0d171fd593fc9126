#include "auth/credentials.h"

#include <gtest/gtest.h>

namespace tideline::auth {
namespace {

TEST(CredentialsFileTest, ReadsEverySectionWithKeys) {
  std::vector<KeyEntry> keys;
  const Status s = ParseCredentials(
      "# a comment\n"
      "[default]\n"
      "aws_access_key_id = AKIDDEFAULT\n"
      "aws_secret_access_key=secret/with+chars=\n"
      "region = eu-west-1\n"
      "\n"
      "; another comment\n"
      "[ other ]\r\n"
      "AWS_ACCESS_KEY_ID\t=\tAKIDOTHER\r\n"
      "aws_secret_access_key = s2\r\n"
      "aws_session_token = tok\r\n"
      "account_id = 111122223333\r\n"
      "[sso-only]\n"
      "sso_start_url = https://example.com\n"
      "[third]\n"
      "aws_access_key_id = AKIDTHIRD\n"
      "aws_secret_access_key = s3\n"
      "aws_account_id = 444455556666",
      "creds", &keys);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].profile, "default");
  EXPECT_EQ(keys[0].access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(keys[0].secret_access_key, "secret/with+chars=");
  EXPECT_EQ(keys[0].account_id, "");
  EXPECT_EQ(keys[1].profile, "other");
  EXPECT_EQ(keys[1].access_key_id, "AKIDOTHER");
  EXPECT_EQ(keys[1].session_token, "tok");
  EXPECT_EQ(keys[1].account_id, "111122223333");
  EXPECT_EQ(keys[2].account_id, "444455556666");
}

TEST(CredentialsFileTest, RefusesWhatCannotBeMeant) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"[a]\naws_access_key_id = K\n", "creds:1: [a] has no aws_secret_access_key"},
      {"[a]\naws_secret_access_key = S\n",
       "creds:1: [a] has aws_secret_access_key but no aws_access_key_id"},
      {"[a]\naws_access_key_id=K\naws_secret_access_key=S\n[b]\naws_access_key_id=K\n"
       "aws_secret_access_key=T\n",
       "creds:4: access key K is in both [a] and [b]"},
      {"[a]\naws_access_key_id=K\naws_secret_access_key=S\naccount_id=12345\n",
       "creds:4: an account id is 12 digits, not '12345'"},
      {"aws_access_key_id=K\n", "creds:1: a setting before the first [section]"},
      {"[a\n", "creds:1: a section header must end with ']'"},
      {"[a]\njunk\n", "creds:2: expected 'name = value' or '[section]'"},
  };
  for (const Case& c : cases) {
    std::vector<KeyEntry> keys;
    const Status s = ParseCredentials(c.text, "creds", &keys);
    EXPECT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.message(), c.error) << c.text;
  }
}

TEST(CredentialsFileTest, AFileWithoutKeysIsAnError) {
  std::vector<KeyEntry> keys;
  EXPECT_FALSE(LoadCredentialsFile("/nonexistent/credentials", &keys).ok());
}

}  // namespace
}  // namespace tideline::auth
