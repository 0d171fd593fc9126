#include <string>
#include <vector>

#include "expr/expressions.h"
#include "expr_test_util.h"

namespace tideline::expr {
namespace {

using testing::ErrorOf;
using testing::ItemOf;
using testing::Params;
using testing::V;

std::string ProjectionError(std::string_view expr, std::string_view names = "") {
  return ErrorOf([&] {
    Params p("", names);
    ParseProjection(expr, p.r());
  });
}

std::string ProjectJson(std::string_view expr, std::string_view item, std::string_view names = "") {
  Params p("", names);
  auto proj = ParseProjection(expr, p.r());
  p.r().CheckAllUsed();
  return model::ItemToJson(Project(*proj, ItemOf(item)));
}

std::string Json(std::string_view item) { return model::ItemToJson(ItemOf(item)); }

const char* kItem =
    R"({"p":{"S":"k"},"a":{"M":{"b":{"N":"1"},"c":{"L":[{"N":"10"},{"M":{"x":{"S":"X"},"y":{"S":"Y"}}},{"N":"12"},{"N":"13"}]}}},
                       "d":{"S":"dog"},"e":{"L":[{"N":"0"},{"N":"1"},{"N":"2"}]},"status":{"S":"on"}})";

TEST(ProjectionTest, TopLevelAttributes) {
  EXPECT_EQ(ProjectJson("p, d", kItem), Json(R"({"p":{"S":"k"},"d":{"S":"dog"}})"));
  EXPECT_EQ(ProjectJson("zz", kItem), "{}");
  EXPECT_EQ(ProjectJson("#s, d", kItem, R"({"#s":"status"})"),
            Json(R"({"status":{"S":"on"},"d":{"S":"dog"}})"));
}

TEST(ProjectionTest, NestedPathsKeepTheirEnclosingValues) {
  EXPECT_EQ(ProjectJson("a.b", kItem), Json(R"({"a":{"M":{"b":{"N":"1"}}}})"));
  EXPECT_EQ(ProjectJson("a.c[1].y, a.b", kItem),
            Json(R"({"a":{"M":{"b":{"N":"1"},"c":{"L":[{"M":{"y":{"S":"Y"}}}]}}}})"));
  // List elements keep their order and are compacted.
  EXPECT_EQ(ProjectJson("e[2], e[0], e[7]", kItem), Json(R"({"e":{"L":[{"N":"0"},{"N":"2"}]}})"));
  EXPECT_EQ(ProjectJson("a.c[3], a.c[1].x", kItem),
            Json(R"({"a":{"M":{"c":{"L":[{"M":{"x":{"S":"X"}}},{"N":"13"}]}}}})"));
  // Missing or mistyped paths select nothing, not even their enclosing attribute.
  for (const char* e : {"a.zz", "d.x", "e.x", "a[0]", "e[9]", "a.c[1].z", "a.b.c"}) {
    EXPECT_EQ(ProjectJson(e, kItem), "{}") << e;
  }
  EXPECT_EQ(
      ProjectJson("a.#x", kItem, R"({"#x":"c"})"),
      Json(
          R"({"a":{"M":{"c":{"L":[{"N":"10"},{"M":{"x":{"S":"X"},"y":{"S":"Y"}}},{"N":"12"},{"N":"13"}]}}}})"));
}

TEST(ProjectionTest, TopLevelNames) {
  Params p;
  auto proj = ParseProjection("b.x, a, b.y, c[1]", p.r());
  EXPECT_EQ(ProjectionTopLevelNames(*proj), (std::vector<std::string>{"b", "a", "c"}));
}

TEST(ProjectionTest, Errors) {
  EXPECT_EQ(ProjectionError(""),
            V("Invalid ProjectionExpression: The expression can not be empty;"));
  EXPECT_EQ(ProjectionError("a, status"),
            V("Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved "
              "keyword: status"));
  EXPECT_EQ(ProjectionError("a, #b"),
            V("Invalid ProjectionExpression: An expression attribute name used in the document "
              "path is not defined; attribute name: #b"));
  EXPECT_EQ(ProjectionError("a, b, a"),
            V("Invalid ProjectionExpression: Two document paths overlap with each other; must "
              "remove or rewrite one of these paths; path one: [a], path two: [a]"));
  EXPECT_EQ(ProjectionError("a.b, a"),
            V("Invalid ProjectionExpression: Two document paths overlap with each other; must "
              "remove or rewrite one of these paths; path one: [a, b], path two: [a]"));
  EXPECT_EQ(ProjectionError("a.b, a[1]"),
            V("Invalid ProjectionExpression: Two document paths conflict with each other; must "
              "remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"));
  EXPECT_EQ(ProjectionError("a[1], a[2], a.b[1], a.c"),
            V("Invalid ProjectionExpression: Two "
              "document paths conflict with each other; must remove or rewrite one of these paths; "
              "path one: [a, [1]], path two: [a, b, [1]]"));
  EXPECT_EQ(ProjectionError("a,"),
            V("Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\""));
  EXPECT_EQ(ProjectionError("l[a]"),
            V("Invalid ProjectionExpression: Syntax error; token: \"a\", near: \"[a]\""));
  EXPECT_EQ(ProjectionError("a b"),
            V("Invalid ProjectionExpression: Syntax error; token: \"b\", near: \"a b\""));
  EXPECT_EQ(ProjectionError("a, :v"),
            V("Invalid ProjectionExpression: Syntax error; token: \":v\", near: \", :v\""));
  // Reserved words beat undefined names, which beat overlaps.
  EXPECT_EQ(ProjectionError("a, a, #x, name"),
            V("Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved "
              "keyword: name"));
}

TEST(ProjectionTest, SizeIsMeasuredOnTheTextAlone) {
  // The names #names stand for do not count: a 65,535-byte name passes.
  std::string long_name(65535, 'x');
  std::string names = R"({"#n":")" + long_name + "\"}";
  EXPECT_EQ(ProjectionError("#n, " + std::string(100, 'a'), names), "no error");
  EXPECT_EQ(ProjectionError("#n, " + std::string(4093, 'a'), names),
            V("Invalid ProjectionExpression: Expression size has exceeded the maximum allowed "
              "size; expression size: 4097"));
}

TEST(ProjectionTest, PathsGoThirtyTwoLevelsDeep) {
  std::string path = "a";
  for (int i = 1; i < 32; ++i) path += (i % 2) ? ".b" : "[1]";
  EXPECT_EQ(ProjectionError(path), "no error");
  EXPECT_EQ(ProjectionError(path + ".c"),
            V("Invalid ProjectionExpression: The document path has too many nesting levels; "
              "nesting levels: 33"));
}

TEST(ProjectionTest, ListIndexRange) {
  EXPECT_EQ(ProjectionError("a[2147483647]"), "no error");
  EXPECT_EQ(ProjectionError("a[2147483648]"),
            V("Invalid ProjectionExpression: List index is not within the allowable range; "
              "index: [2147483648]"));
  EXPECT_EQ(ProjectionError("a[99999999999999999999]"),
            V("Invalid ProjectionExpression: List index is not within the allowable range; "
              "index: [99999999999999999999]"));
}

TEST(ProjectionTest, AttributesToGet) {
  auto list = testing::Json(R"(["d", "a", "zz"])");
  auto proj = ProjectionFromAttributesToGet(*list);
  EXPECT_EQ(
      model::ItemToJson(Project(*proj, ItemOf(kItem))),
      Json(
          R"({"d":{"S":"dog"},"a":{"M":{"b":{"N":"1"},"c":{"L":[{"N":"10"},{"M":{"x":{"S":"X"},"y":{"S":"Y"}}},{"N":"12"},{"N":"13"}]}}}})"));
  auto dup = testing::Json(R"(["a", "b", "a"])");
  EXPECT_EQ(ErrorOf([&] { ProjectionFromAttributesToGet(*dup); }),
            V("One or more parameter values were invalid: Duplicate value in attribute name: a"));
  // Names are 1..65535 bytes.
  auto empty = testing::Json(R"([""])");
  EXPECT_EQ(ErrorOf([&] { ProjectionFromAttributesToGet(*empty); }),
            V("One or more parameter values were invalid: An attribute name may not be empty"));
  auto too_long = testing::Json("[\"" + std::string(65536, 'x') + "\"]");
  EXPECT_EQ(ErrorOf([&] { ProjectionFromAttributesToGet(*too_long); }),
            V("One or more parameter values were invalid: Attribute name exceeds the maximum "
              "length of 65535 bytes"));
  // Names are taken literally: a dot is part of the name.
  auto dotted = testing::Json(R"(["a.b"])");
  EXPECT_EQ(model::ItemToJson(Project(*ProjectionFromAttributesToGet(*dotted),
                                      ItemOf(R"({"a.b":{"N":"1"},"a":{"M":{"b":{"N":"2"}}}})"))),
            Json(R"({"a.b":{"N":"1"}})"));
}

}  // namespace
}  // namespace tideline::expr
