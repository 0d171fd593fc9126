#include "aws/ini_file.h"

#include <gtest/gtest.h>

namespace tideline::aws {
namespace {

TEST(IniFile, SectionsSettingsAndLines) {
  std::vector<IniSection> sections;
  ASSERT_TRUE(
      ParseIni("# c\n[ a ]\n Name = v 1 \n; c\nname=v2\n\n[profile b]\nx =\n", "f", &sections)
          .ok());
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].name, "a");
  EXPECT_EQ(sections[0].line, 2);
  ASSERT_EQ(sections[0].settings.size(), 2u);
  EXPECT_EQ(sections[0].settings[0].name, "name");  // names are case-insensitive
  EXPECT_EQ(sections[0].settings[0].value, "v 1");
  EXPECT_EQ(sections[0].settings[0].line, 3);
  EXPECT_EQ(sections[0].Find("name")->value, "v2");  // the last one counts
  EXPECT_EQ(sections[0].Find("other"), nullptr);
  EXPECT_EQ(sections[1].name, "profile b");
  EXPECT_EQ(sections[1].Find("x")->value, "");
}

TEST(IniFile, MalformedLinesNameTheirLine) {
  std::vector<IniSection> sections;
  EXPECT_EQ(ParseIni("[a]\n[b\n", "f", &sections).message(),
            "f:2: a section header must end with ']'");
  EXPECT_EQ(ParseIni("[a]\nx=1\njunk\n", "f", &sections).message(),
            "f:3: expected 'name = value' or '[section]'");
  EXPECT_EQ(ParseIni("x=1\n", "f", &sections).message(),
            "f:1: a setting before the first [section]");
  EXPECT_FALSE(ReadIniFile("/nonexistent/tideline/ini", &sections).ok());
}

}  // namespace
}  // namespace tideline::aws
