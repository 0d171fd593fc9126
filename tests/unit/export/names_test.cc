// Export ids, data file names and key prefixes (spec §1.1-§1.3, §3).

#include "export/names.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace tideline::exporter {
namespace {

TEST(ExportFmtNames, ExportIdShape) {
  const std::regex shape("^01768385930622-[0-9a-f]{8}$");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = NewExportId(1768385930622);
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_GT(seen.size(), 95u);  // 32 random bits: collisions among 100 are ~1e-6 likely
  EXPECT_TRUE(std::regex_match(NewExportId(5), std::regex("^00000000000005-[0-9a-f]{8}$")));
}

TEST(ExportFmtNames, Base32Rfc4648Vectors) {
  EXPECT_EQ(Base32LowerNoPad(""), "");
  EXPECT_EQ(Base32LowerNoPad("f"), "my");
  EXPECT_EQ(Base32LowerNoPad("fo"), "mzxq");
  EXPECT_EQ(Base32LowerNoPad("foo"), "mzxw6");
  EXPECT_EQ(Base32LowerNoPad("foob"), "mzxw6yq");
  EXPECT_EQ(Base32LowerNoPad("fooba"), "mzxw6ytb");
  EXPECT_EQ(Base32LowerNoPad("foobar"), "mzxw6ytboi");
  EXPECT_EQ(Base32LowerNoPad(std::string(16, '\0')), std::string(26, 'a'));
  EXPECT_EQ(Base32LowerNoPad(std::string(16, '\xff')), std::string(25, '7') + "4");
}

TEST(ExportFmtNames, DataFileNameShape) {
  // Real AWS names all end in a character whose low two bits are zero, as 16 random bytes in
  // base32 must: 5mrfg3b44e3vhnfickkozoym6a, zqp435kgma323mmasy7jmciuje,
  // u2wov2dg246wzitouzsnk6jbd4, fpgzwz7ome3s7a5gqn2mu3ogtq, oul53eynru4wzoadxd7flaqj3e.
  const std::regex shape("^[a-z2-7]{25}[aeimquy4]$");
  for (const char* real :
       {"5mrfg3b44e3vhnfickkozoym6a", "zqp435kgma323mmasy7jmciuje", "u2wov2dg246wzitouzsnk6jbd4",
        "fpgzwz7ome3s7a5gqn2mu3ogtq", "oul53eynru4wzoadxd7flaqj3e", "t7sisheiy44edlhcrjd5zqoudu"}) {
    EXPECT_TRUE(std::regex_match(real, shape)) << real;
  }
  std::set<std::string> seen;
  std::set<char> last_chars;
  for (int i = 0; i < 1000; ++i) {
    std::string name = NewDataFileName();
    ASSERT_TRUE(std::regex_match(name, shape)) << name;
    seen.insert(name);
    last_chars.insert(name.back());
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(last_chars.size(), 8u);  // all eight possible final characters occur
}

TEST(ExportFmtNames, Prefixes) {
  EXPECT_EQ(ExportPrefix("", "01768385930622-efd1a093"), "AWSDynamoDB/01768385930622-efd1a093");
  EXPECT_EQ(ExportPrefix("dynamodb-export", "01715685260608-c488b4e1"),
            "dynamodb-export/AWSDynamoDB/01715685260608-c488b4e1");
  EXPECT_EQ(ExportPrefix("dira/dirb/dirc", "x"), "dira/dirb/dirc/AWSDynamoDB/x");
  EXPECT_EQ(ExportPrefix("dira/", "x"), "dira/AWSDynamoDB/x");
  EXPECT_EQ(ExportPrefix("/lead", "x"), "/lead/AWSDynamoDB/x");
  EXPECT_EQ(IncrementalDataPrefix(""), "AWSDynamoDB/data");
  EXPECT_EQ(IncrementalDataPrefix("p"), "p/AWSDynamoDB/data");
  EXPECT_EQ(AwsDynamoDbPrefix("p/"), "p/AWSDynamoDB");
}

}  // namespace
}  // namespace tideline::exporter
