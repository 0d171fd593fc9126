// UpdateExpression: parse-time errors and applying plans, following DynamoDB as recorded in
// Alternator's test_update_expression.py / test_returnvalues.py and dynalite's parsers.

#include <string>
#include <vector>

#include "expr/expressions.h"
#include "expr_test_util.h"
#include "model/key_codec.h"

namespace tideline::expr {
namespace {

using testing::ErrorOf;
using testing::ItemOf;
using testing::Params;
using testing::V;

model::KeySchema HashOnly() {
  model::KeySchema s;
  s.hash_name = "p";
  return s;
}

model::KeySchema HashRange() {
  model::KeySchema s;
  s.hash_name = "p";
  s.range_name = "c";
  return s;
}

std::string UpdateError(std::string_view expr, std::string_view values = "",
                        std::string_view names = "") {
  return ErrorOf([&] {
    Params p(values, names);
    ParseUpdate(expr, p.r());
  });
}

// Applies `expr` to `item_json` and returns the new item as JSON, or "<type>: <message>".
std::string Apply(std::string_view expr, std::string_view item_json, std::string_view values = "",
                  std::string_view names = "", std::vector<std::string>* updated = nullptr,
                  bool existed = true, const model::KeySchema& schema = HashOnly()) {
  std::string out;
  std::string err = ErrorOf([&] {
    Params p(values, names);
    auto plan = ParseUpdate(expr, p.r());
    p.r().CheckAllUsed();
    model::Item item = ItemOf(item_json);
    ApplyUpdate(*plan, schema, &item, updated, existed);
    out = model::ItemToJson(item);
  });
  return err == "no error" ? out : err;
}

std::string Json(std::string_view item_json) { return model::ItemToJson(ItemOf(item_json)); }

TEST(UpdateParseTest, Clauses) {
  EXPECT_EQ(UpdateError(""), V("Invalid UpdateExpression: The expression can not be empty;"));
  EXPECT_EQ(UpdateError("SET a = :v1 SET b = :v2", R"({":v1":{"N":"1"},":v2":{"N":"2"}})"),
            V("Invalid UpdateExpression: The \"SET\" section can only be used once in an update "
              "expression;"));
  EXPECT_EQ(UpdateError("SET a = :v1 REMOVE a SET b = :v2", R"({":v1":{"N":"1"},":v2":{"N":"2"}})"),
            V("Invalid UpdateExpression: The \"SET\" section can only be used once in an update "
              "expression;"));
  EXPECT_EQ(UpdateError("remove a ReMoVe b"),
            V("Invalid UpdateExpression: The \"REMOVE\" section can only be used once in an update "
              "expression;"));
  EXPECT_EQ(UpdateError("sEt b = :v REMOVE c ADD d :n DELETE e :s",
                        R"({":v":{"N":"1"},":n":{"N":"1"},":s":{"SS":["x"]}})"),
            "no error");
}

TEST(UpdateParseTest, SyntaxErrors) {
  auto syntax = [](std::string_view token, std::string_view near) {
    return V("Invalid UpdateExpression: Syntax error; token: \"" + std::string(token) +
             "\", near: \"" + std::string(near) + "\"");
  };
  const char* three = R"({":val1":{"N":"1"},":val2":{"N":"2"},":val3":{"N":"3"}})";
  EXPECT_EQ(UpdateError("SET b = :val1 + :val2 + :val3", three), syntax("+", ":val2 + :val3"));
  EXPECT_EQ(UpdateError("SET c = if_not_exists(c, :val1+:val2)", three),
            syntax("+", ":val1+:val2"));
  EXPECT_EQ(UpdateError("SET numx = numx / :v"), syntax("/", "numx / :v"));
  EXPECT_EQ(UpdateError("SET a = a +"), syntax("<EOF>", "+"));
  EXPECT_EQ(UpdateError("SET"), syntax("<EOF>", "SET"));
  EXPECT_EQ(UpdateError("SET _123 = :v"), syntax("_", "SET _123"));
  EXPECT_EQ(UpdateError("SET 123a = :v"), syntax("123", "SET 123a"));
  EXPECT_EQ(UpdateError("SET hi$there = :v"), syntax("$", "hi$there"));
  EXPECT_EQ(UpdateError("HELLO b = :val1"), syntax("HELLO", "HELLO b"));
  EXPECT_EQ(UpdateError("SET :a = :b"), syntax(":a", "SET :a ="));
  EXPECT_EQ(UpdateError("SET a = :"), syntax(":", "= :"));
  EXPECT_EQ(UpdateError("SET # = :v"), syntax("#", "SET # ="));
  EXPECT_EQ(UpdateError("SET a[:xyz] = :v"), syntax(":xyz", "[:xyz]"));
  EXPECT_EQ(UpdateError("SET a[#xyz] = :v"), syntax("#xyz", "[#xyz]"));
  EXPECT_EQ(UpdateError("ADD a b"), syntax("b", "a b"));
  EXPECT_EQ(UpdateError("SET a = _f(b,c,d)"), syntax("_", "= _f"));
  EXPECT_EQ(UpdateError("SET a = (((:v)))"), syntax("(", "((:v"));
  EXPECT_EQ(UpdateError("SET a = b, SET c = d"), syntax("SET", ", SET c"));
  // Parentheses around one operand or the whole value are fine.
  EXPECT_EQ(UpdateError("SET a = (:v) + :w, b = (:v + :w), c = ((:v))",
                        R"({":v":{"N":"1"},":w":{"N":"2"}})"),
            "no error");
}

TEST(UpdateParseTest, Functions) {
  EXPECT_EQ(UpdateError("SET a = f(b,c,d)"),
            V("Invalid UpdateExpression: Invalid function name; function: f"));
  EXPECT_EQ(UpdateError("SET a = LIST_APPEND(:v, :v)", R"({":v":{"L":[]}})"),
            V("Invalid UpdateExpression: Invalid function name; function: LIST_APPEND"));
  EXPECT_EQ(UpdateError("SET a = size(b)"),
            V("Invalid UpdateExpression: The function is not allowed in an update expression; "
              "function: size"));
  EXPECT_EQ(UpdateError("SET a = list_append(:v)", R"({":v":{"L":[]}})"),
            V("Invalid UpdateExpression: Incorrect number of operands for operator or function; "
              "operator or function: list_append, number of operands: 1"));
  EXPECT_EQ(UpdateError("SET a = list_append(:v, :s)", R"({":v":{"L":[]},":s":{"S":"hi"}})"),
            V("Invalid UpdateExpression: Incorrect operand type for operator or function; "
              "operator or function: list_append, operand type: S"));
  EXPECT_EQ(UpdateError("SET a = list_append(list_append(:v, :v), :v)", R"({":v":{"L":[]}})"),
            V("Invalid UpdateExpression: The function is not allowed to be used this way in an "
              "expression; function: list_append"));
  EXPECT_EQ(UpdateError("SET b = if_not_exists(:v2, :v1)", R"({":v1":{"N":"6"},":v2":{"N":"3"}})"),
            V("Invalid UpdateExpression: Operator or function requires a document path; "
              "operator or function: if_not_exists"));
  // An undefined value is reported before the misplaced one.
  EXPECT_EQ(UpdateError("SET b = if_not_exists(:v2, :v1)", R"({":v1":{"N":"6"}})"),
            V("Invalid UpdateExpression: An expression attribute value used in expression is not "
              "defined; attribute value: :v2"));
  EXPECT_EQ(UpdateError("SET b = :v + :w", R"({":v":{"S":"dog"},":w":{"N":"3"}})"),
            V("Invalid UpdateExpression: Incorrect operand type for operator or function; "
              "operator or function: +, operand type: S"));
  EXPECT_EQ(UpdateError("SET b = :w - :v", R"({":v":{"L":[]},":w":{"N":"3"}})"),
            V("Invalid UpdateExpression: Incorrect operand type for operator or function; "
              "operator or function: -, operand type: L"));
  EXPECT_EQ(UpdateError("SET a = list_append(if_not_exists(a, :e), :v) + :n",
                        R"({":e":{"L":[]},":v":{"L":[]},":n":{"N":"1"}})"),
            "no error");
}

TEST(UpdateParseTest, AddAndDeleteOperandTypes) {
  EXPECT_EQ(UpdateError("ADD a :v", R"({":v":{"S":"hello"}})"),
            V("Invalid UpdateExpression: Incorrect operand type for operator or function; "
              "operator: ADD, operand type: STRING"));
  EXPECT_EQ(UpdateError("ADD a :v", R"({":v":{"L":[]}})"),
            V("Invalid UpdateExpression: Incorrect operand type for operator or function; "
              "operator: ADD, operand type: LIST"));
  EXPECT_EQ(UpdateError("DELETE a :v", R"({":v":{"N":"1"}})"),
            V("Invalid UpdateExpression: Incorrect operand type for operator or function; "
              "operator: DELETE, operand type: NUMBER"));
  EXPECT_EQ(UpdateError("DELETE a :v", R"({":v":{"M":{}}})"),
            V("Invalid UpdateExpression: Incorrect operand type for operator or function; "
              "operator: DELETE, operand type: MAP"));
  EXPECT_EQ(UpdateError("ADD a :v, b :s DELETE c :s", R"({":v":{"N":"1"},":s":{"BS":["aGk="]}})"),
            "no error");
}

TEST(UpdateParseTest, OverlappingAndConflictingPaths) {
  const char* v = R"({":v1":{"N":"2"},":v2":{"S":"there"}})";
  auto overlap = [](std::string_view one, std::string_view two) {
    return V(
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove "
        "or rewrite one of these paths; path one: " +
        std::string(one) + ", path two: " + std::string(two));
  };
  EXPECT_EQ(UpdateError("SET a = :v1, a.b = :v2", v), overlap("[a]", "[a, b]"));
  EXPECT_EQ(UpdateError("SET a.b = :v1, a = :v2", v), overlap("[a, b]", "[a]"));
  EXPECT_EQ(UpdateError("SET a[1][1][1][1] = :v1, a[1][1] = :v2", v),
            overlap("[a, [1], [1], [1], [1]]", "[a, [1], [1]]"));
  EXPECT_EQ(UpdateError("REMOVE a SET a = :v1", R"({":v1":{"N":"2"}})"), overlap("[a]", "[a]"));
  EXPECT_EQ(UpdateError("SET #a1 = :v1, #a2 = :v2", v, R"({"#a1":"a","#a2":"a"})"),
            overlap("[a]", "[a]"));
  EXPECT_EQ(UpdateError("SET a.b = :v1, a[1] = :v2", v),
            V("Invalid UpdateExpression: Two document paths conflict with each other; must remove "
              "or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"));
  EXPECT_EQ(UpdateError("SET a.b.c = :v1, a.b[2] = :v2", v),
            V("Invalid UpdateExpression: Two document paths conflict with each other; must remove "
              "or rewrite one of these paths; path one: [a, b, c], path two: [a, b, [2]]"));
  EXPECT_EQ(UpdateError("SET a.b = :v1, a.c.d = :v2, b.x = :v1 REMOVE a.x, b.y", v), "no error");
  EXPECT_EQ(UpdateError("SET a[1] = :v1, a[2] = :v2", v), "no error");
  // Reading a path that is also written is fine.
  EXPECT_EQ(UpdateError("REMOVE a SET b = a"), "no error");
}

TEST(UpdateParseTest, ErrorPriorities) {
  // reserved > unknown function > section > undefined name > undefined value > overlap >
  // conflict > ADD/DELETE operand > function operands.
  EXPECT_EQ(UpdateError("SET a = f(x) SET status = :u"),
            V("Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: "
              "status"));
  EXPECT_EQ(UpdateError("SET a = f(x) SET b = :u"),
            V("Invalid UpdateExpression: Invalid function name; function: f"));
  EXPECT_EQ(UpdateError("SET a = :u SET #b = :w"),
            V("Invalid UpdateExpression: The \"SET\" section can only be used once in an update "
              "expression;"));
  EXPECT_EQ(UpdateError("SET a = :u, #b = :w"),
            V("Invalid UpdateExpression: An expression attribute name used in the document path "
              "is not defined; attribute name: #b"));
  EXPECT_EQ(UpdateError("SET a = :u, a = :w"),
            V("Invalid UpdateExpression: An expression attribute value used in expression is not "
              "defined; attribute value: :u"));
}

TEST(UpdateParseTest, SizeLimit) {
  std::string spaces(4085, ' ');
  EXPECT_EQ(UpdateError("SET" + spaces + "a = :val", R"({":val":{"N":"1"}})"), "no error");
  EXPECT_EQ(UpdateError("SET " + spaces + "a = :val", R"({":val":{"N":"1"}})"),
            V("Invalid UpdateExpression: Expression size has exceeded the maximum allowed size; "
              "expression size: 4097"));
}

TEST(UpdateApplyTest, SetReadsTheOldItem) {
  const char* item = R"({"p":{"S":"k"},"a":{"S":"hello"}})";
  EXPECT_EQ(Apply("SET b = a", item),
            Json(R"({"p":{"S":"k"},"a":{"S":"hello"},"b":{"S":"hello"}})"));
  EXPECT_EQ(Apply("SET c = z", item),
            V("The provided expression refers to an attribute that does not exist in the item"));
  EXPECT_EQ(Apply("SET x = :v, y = x", item, R"({":v":{"N":"4"}})"),
            V("The provided expression refers to an attribute that does not exist in the item"));
  EXPECT_EQ(Apply("REMOVE a SET b = a", item), Json(R"({"p":{"S":"k"},"b":{"S":"hello"}})"));
  EXPECT_EQ(Apply("SET #one = #two", item, "", R"({"#one":"c","#two":"a"})"),
            Json(R"({"p":{"S":"k"},"a":{"S":"hello"},"c":{"S":"hello"}})"));
  // Key attributes can be read.
  EXPECT_EQ(Apply("SET n = p", item), Json(R"({"p":{"S":"k"},"a":{"S":"hello"},"n":{"S":"k"}})"));
}

TEST(UpdateApplyTest, Arithmetic) {
  const char* item = R"({"a":{"N":"2"},"s":{"S":"x"},"big":{"N":"9E125"}})";
  EXPECT_EQ(Apply("SET a = a + :v", item, R"({":v":{"N":"3"}})"),
            Json(R"({"a":{"N":"5"},"s":{"S":"x"},"big":{"N":"9E125"}})"));
  EXPECT_EQ(Apply("SET b = :v - a", item, R"({":v":{"N":"0.5"}})"),
            Json(R"({"a":{"N":"2"},"b":{"N":"-1.5"},"s":{"S":"x"},"big":{"N":"9E125"}})"));
  EXPECT_EQ(Apply("SET a = if_not_exists(zz, :v) + a", item, R"({":v":{"N":"10"}})"),
            Json(R"({"a":{"N":"12"},"s":{"S":"x"},"big":{"N":"9E125"}})"));
  EXPECT_EQ(Apply("SET a = s + :v", item, R"({":v":{"N":"3"}})"),
            V("An operand in the update expression has an incorrect data type"));
  EXPECT_EQ(Apply("SET a = zz + :v", item, R"({":v":{"N":"3"}})"),
            V("The provided expression refers to an attribute that does not exist in the item"));
  EXPECT_EQ(Apply("SET a = big + big", item),
            V("Number overflow. Attempting to store a number with magnitude larger than supported "
              "range"));
  EXPECT_EQ(Apply("SET a = :x + :y", item,
                  R"({":x":{"N":"0.12345678901234567890123456789012345678"},":y":{"N":"1E20"}})"),
            // model::Decimal reports an inexact sum as DynamoDB does: as an overflow.
            V("Number overflow. Attempting to store a number with magnitude larger than supported "
              "range"));
}

TEST(UpdateApplyTest, ListAppendAndIfNotExists) {
  const char* item = R"({"a":{"L":[{"S":"hi"},{"N":"2"}]},"n":{"N":"7"}})";
  EXPECT_EQ(Apply("SET a = list_append(a, :v)", item, R"({":v":{"L":[{"N":"4"}]}})"),
            Json(R"({"a":{"L":[{"S":"hi"},{"N":"2"},{"N":"4"}]},"n":{"N":"7"}})"));
  EXPECT_EQ(
      Apply("SET b = list_append(:v, a)", item, R"({":v":{"L":[{"S":"dog"}]}})"),
      Json(
          R"({"a":{"L":[{"S":"hi"},{"N":"2"}]},"b":{"L":[{"S":"dog"},{"S":"hi"},{"N":"2"}]},"n":{"N":"7"}})"));
  EXPECT_EQ(Apply("SET b = list_append(q, :v)", item, R"({":v":{"L":[]}})"),
            V("The provided expression refers to an attribute that does not exist in the item"));
  EXPECT_EQ(Apply("SET b = list_append(:v, n)", item, R"({":v":{"L":[]}})"),
            V("An operand in the update expression has an incorrect data type"));
  EXPECT_EQ(
      Apply("SET n = if_not_exists(n, :v), m = if_not_exists(m, :v)", item, R"({":v":{"N":"1"}})"),
      Json(R"({"a":{"L":[{"S":"hi"},{"N":"2"}]},"m":{"N":"1"},"n":{"N":"7"}})"));
  EXPECT_EQ(Apply("SET z = list_append(if_not_exists(z, :e), :v)", item,
                  R"({":e":{"L":[]},":v":{"L":[{"N":"1"}]}})"),
            Json(R"({"a":{"L":[{"S":"hi"},{"N":"2"}]},"n":{"N":"7"},"z":{"L":[{"N":"1"}]}})"));
}

TEST(UpdateApplyTest, NestedSet) {
  const char* item =
      R"({"a":{"M":{"b":{"N":"3"},"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"5"},{"N":"7"}]}}}}}]}}}})";
  EXPECT_EQ(
      Apply("SET a.c[1].#name.y[1] = :v", item, R"({":v":{"N":"9"}})", R"({"#name":"x"})"),
      Json(
          R"({"a":{"M":{"b":{"N":"3"},"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"9"},{"N":"7"}]}}}}}]}}}})"));
  EXPECT_EQ(
      Apply("SET a.d = a.c[1].x.y[2], a.b = :v", item, R"({":v":{"S":"new"}})"),
      Json(
          R"({"a":{"M":{"b":{"S":"new"},"d":{"N":"7"},"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"5"},{"N":"7"}]}}}}}]}}}})"));
  const char* bad = "The document path provided in the update expression is invalid for update";
  const char* flat = R"({"a":{"S":"hello"},"b":{"L":[{"S":"hi"}]}})";
  EXPECT_EQ(Apply("SET a.c = :v", flat, R"({":v":{"N":"7"}})"), V(bad));
  EXPECT_EQ(Apply("SET b.c = :v", flat, R"({":v":{"N":"7"}})"), V(bad));
  EXPECT_EQ(Apply("SET c.c = :v", flat, R"({":v":{"N":"7"}})"), V(bad));
  EXPECT_EQ(Apply("SET a[0] = :v", flat, R"({":v":{"N":"7"}})"), V(bad));
  EXPECT_EQ(Apply("SET c[0] = :v", flat, R"({":v":{"N":"7"}})"), V(bad));
  EXPECT_EQ(Apply("SET c.c = :v", "{}", R"({":v":{"N":"7"}})", "", nullptr, false), V(bad));
}

TEST(UpdateApplyTest, ListIndexesPastTheEndAppendInIndexOrder) {
  const char* item = R"({"a":{"L":[{"S":"one"},{"S":"two"},{"S":"three"}]}})";
  EXPECT_EQ(Apply("SET a[7] = :v", item, R"({":v":{"S":"hello"}})"),
            Json(R"({"a":{"L":[{"S":"one"},{"S":"two"},{"S":"three"},{"S":"hello"}]}})"));
  EXPECT_EQ(
      Apply(
          "SET a[84] = :a1, a[37] = :a2, a[17] = :a3, a[50] = :a4, a[1] = :a5", item,
          R"({":a1":{"S":"a1"},":a2":{"S":"a2"},":a3":{"S":"a3"},":a4":{"S":"a4"},":a5":{"S":"a5"}})"),
      Json(
          R"({"a":{"L":[{"S":"one"},{"S":"a5"},{"S":"three"},{"S":"a3"},{"S":"a2"},{"S":"a4"},{"S":"a1"}]}})"));
}

TEST(UpdateApplyTest, Remove) {
  const char* item =
      R"({"a":{"M":{"b":{"N":"3"},"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"5"},{"N":"7"}]}}},"q":{"N":"2"}}}]}}}})";
  EXPECT_EQ(
      Apply("REMOVE a.c[1].x.y[1], a.c[1].q", item),
      Json(
          R"({"a":{"M":{"b":{"N":"3"},"c":{"L":[{"S":"hi"},{"M":{"x":{"M":{"y":{"L":[{"N":"3"},{"N":"7"}]}}}}}]}}}})"));
  const char* list = R"({"a":{"L":[{"N":"2"},{"N":"3"},{"N":"4"},{"N":"5"},{"N":"6"},{"N":"7"}]}})";
  const char* expected = R"({"a":{"L":[{"N":"2"},{"N":"4"},{"N":"17"},{"N":"6"},{"N":"7"}]}})";
  EXPECT_EQ(Apply("REMOVE a[1] SET a[3] = :v", list, R"({":v":{"N":"17"}})"), Json(expected));
  EXPECT_EQ(Apply("SET a[3] = :v REMOVE a[1]", list, R"({":v":{"N":"17"}})"), Json(expected));
  EXPECT_EQ(Apply("REMOVE a[1], a[3]", list),
            Json(R"({"a":{"L":[{"N":"2"},{"N":"4"},{"N":"6"},{"N":"7"}]}})"));
  const char* small = R"({"a":{"M":{"x":{"N":"3"}}},"b":{"L":[{"S":"hi"}]},"s":{"S":"str"}})";
  EXPECT_EQ(Apply("REMOVE a.y, b[7], c", small), Json(small));
  EXPECT_EQ(Apply("REMOVE a.x, b[0]", small),
            Json(R"({"a":{"M":{}},"b":{"L":[]},"s":{"S":"str"}})"));
  const char* bad = "The document path provided in the update expression is invalid for update";
  EXPECT_EQ(Apply("REMOVE s.c", small), V(bad));
  EXPECT_EQ(Apply("REMOVE b.c", small), V(bad));
  EXPECT_EQ(Apply("REMOVE c.c", small), V(bad));
  EXPECT_EQ(Apply("REMOVE s[0]", small), V(bad));
  // ...but a missing item ignores such paths (test_nested_attribute_remove_from_missing_item).
  EXPECT_EQ(Apply("REMOVE x.y, z[0]", R"({"p":{"S":"k"}})", "", "", nullptr, false),
            Json(R"({"p":{"S":"k"}})"));
}

TEST(UpdateApplyTest, AddNumbersAndSets) {
  const char* item =
      R"({"a":{"N":"3"},"b":{"S":"hi"},"s":{"SS":["dog","cat"]},"l":{"L":[]},"ns":{"NS":["1"]}})";
  auto applied = [&](std::string_view expr, std::string_view values) {
    Params p(values);
    auto plan = ParseUpdate(expr, p.r());
    model::Item i = ItemOf(item);
    ApplyUpdate(*plan, HashOnly(), &i, nullptr);
    return i;
  };
  EXPECT_EQ(applied("ADD a :v", R"({":v":{"N":"4"}})")["a"].scalar, "7");
  model::Item i = applied("ADD n :v, s :w", R"({":v":{"N":"-1.5"},":w":{"SS":["pig","cat"]}})");
  EXPECT_EQ(i["n"], testing::Av(R"({"N":"-1.5"})"));
  EXPECT_EQ(i["s"], testing::Av(R"({"SS":["cat","dog","pig"]})"));
  EXPECT_EQ(i["s"].set.size(), 3u);
  i = applied("ADD t :w", R"({":w":{"BS":["aGk="]}})");
  EXPECT_EQ(i["t"], testing::Av(R"({"BS":["aGk="]})"));
  i = applied("ADD ns :w", R"({":w":{"NS":["1.0","2"]}})");
  EXPECT_EQ(i["ns"], testing::Av(R"({"NS":["1","2"]})"));
  const char* type = "An operand in the update expression has an incorrect data type";
  EXPECT_EQ(Apply("ADD b :v", item, R"({":v":{"N":"1"}})"), V(type));
  EXPECT_EQ(Apply("ADD s :v", item, R"({":v":{"NS":["1"]}})"), V(type));
  EXPECT_EQ(Apply("ADD l :v", item, R"({":v":{"NS":["1"]}})"), V(type));
  EXPECT_EQ(Apply("ADD a :v", item, R"({":v":{"SS":["1"]}})"), V(type));
}

TEST(UpdateApplyTest, DeleteFromSets) {
  const char* item = R"({"a":{"SS":["dog","cat","mouse"]},"b":{"S":"hi"},"n":{"NS":["1","2"]}})";
  EXPECT_EQ(Apply("DELETE a :v", item, R"({":v":{"SS":["cat","mouse","pig"]}})"),
            Json(R"({"a":{"SS":["dog"]},"b":{"S":"hi"},"n":{"NS":["1","2"]}})"));
  EXPECT_EQ(Apply("DELETE a :v, n :w", item,
                  R"({":v":{"SS":["cat","mouse","dog"]},":w":{"NS":["2.0"]}})"),
            Json(R"({"b":{"S":"hi"},"n":{"NS":["1"]}})"));
  EXPECT_EQ(Apply("DELETE zz :v", item, R"({":v":{"SS":["x"]}})"), Json(item));
  EXPECT_EQ(Apply("DELETE a :v", item, R"({":v":{"NS":["1"]}})"),
            V("An operand in the update expression has an incorrect data type"));
  EXPECT_EQ(Apply("DELETE b :v", item, R"({":v":{"SS":["hi"]}})"),
            V("An operand in the update expression has an incorrect data type"));
}

TEST(UpdateApplyTest, KeyAttributesCannotBeUpdated) {
  const char* v = R"({":v":{"N":"4"}})";
  for (const char* e : {"SET p = :v", "SET c = :v", "ADD p :v", "ADD c :v", "SET p.x = :v"}) {
    EXPECT_EQ(Apply(e, R"({"p":{"S":"k"},"c":{"S":"r"}})", v, "", nullptr, true, HashRange()),
              V(std::string("One or more parameter values were invalid: Cannot update attribute ") +
                (e[4] == 'p' ? "p" : "c") + ". This attribute is part of the key"))
        << e;
  }
  EXPECT_EQ(
      Apply("REMOVE c", R"({"p":{"S":"k"},"c":{"S":"r"}})", "", "", nullptr, true, HashRange()),
      V("One or more parameter values were invalid: Cannot update attribute c. This "
        "attribute is part of the key"));
  EXPECT_EQ(Apply("DELETE p :s", R"({"p":{"S":"k"}})", R"({":s":{"SS":["x"]}})"),
            V("One or more parameter values were invalid: Cannot update attribute p. This "
              "attribute is part of the key"));
}

TEST(UpdateApplyTest, UpdatedNamesAndPaths) {
  std::vector<std::string> updated;
  const char* item =
      R"({"p":{"S":"k"},"a":{"M":{"b":{"S":"dog"},"c":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]}}},"d":{"S":"cat"}})";
  Apply("SET a.c[1] = :v, a.b = :w REMOVE z, d", item, R"({":v":{"N":"8"},":w":{"S":"x"}})", "",
        &updated);
  EXPECT_EQ(updated, (std::vector<std::string>{"a", "z", "d"}));

  // UPDATED_OLD / UPDATED_NEW are projections of the written paths
  // (test_returnvalues.py::test_update_item_returnvalues_nested).
  Params p(R"({":v":{"N":"8"},":w":{"S":"x"}})");
  auto plan = ParseUpdate("SET a.c[1] = :v, a.b = :w", p.r());
  model::Item old_item = ItemOf(item);
  model::Item new_item = old_item;
  ApplyUpdate(*plan, HashOnly(), &new_item, nullptr);
  auto paths = UpdatedPaths(*plan);
  EXPECT_EQ(model::ItemToJson(Project(*paths, old_item)),
            Json(R"({"a":{"M":{"b":{"S":"dog"},"c":{"L":[{"N":"2"}]}}}})"));
  EXPECT_EQ(model::ItemToJson(Project(*paths, new_item)),
            Json(R"({"a":{"M":{"b":{"S":"x"},"c":{"L":[{"N":"8"}]}}}})"));
}

TEST(UpdateApplyTest, OnlyRemoves) {
  Params p(R"({":s":{"SS":["x"]},":v":{"N":"1"}})");
  EXPECT_TRUE(UpdateOnlyRemoves(*ParseUpdate("REMOVE a, b", p.r())));
  EXPECT_TRUE(UpdateOnlyRemoves(*ParseUpdate("REMOVE a DELETE b :s", p.r())));
  EXPECT_FALSE(UpdateOnlyRemoves(*ParseUpdate("REMOVE a SET b = :v", p.r())));
}

}  // namespace
}  // namespace tideline::expr
