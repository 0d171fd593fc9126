// The PartiQL parser: statement shapes, binding of `?`, the conditions and updates it builds
// (evaluated and applied by src/expr), key analysis, and DynamoDB's messages for refused
// statements (shared/spec/partiql-backups.md §1, §3.4).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/api_error.h"
#include "expr/expressions.h"
#include "partiql/key_overlap.h"
#include "partiql/plan.h"
#include "partiql/statement.h"

namespace tideline::partiql {
namespace {

using model::AttributeValue;

const std::string kNotWellFormed = "Statement wasn't well formed, can't be processed: ";

std::string Error(std::string_view text, std::vector<AttributeValue> params = {}) {
  try {
    ParseStatement(text, params);
  } catch (const ApiError& e) {
    return e.type() + ": " + e.message();
  }
  return "no error";
}

std::string V(std::string message) { return "ValidationException: " + message; }

model::Item Item(std::initializer_list<std::pair<const std::string, AttributeValue>> attrs) {
  return model::Item(attrs);
}

TEST(PartiqlParserTest, SelectShapes) {
  Statement st = ParseStatement("select a, b.c[2], \"d e\" FROM \"T\".\"idx\" where a = 1", {});
  EXPECT_EQ(st.kind, StatementKind::kSelect);
  EXPECT_EQ(st.table, "T");
  ASSERT_TRUE(st.index);
  EXPECT_EQ(*st.index, "idx");
  ASSERT_EQ(st.projection.size(), 3u);
  EXPECT_EQ(expr::PathToString(st.projection[1]), "[b, c, [2]]");
  EXPECT_EQ(st.projection[2][0].name, "d e");
  EXPECT_TRUE(ParseStatement("SELECT * FROM T -- comment\n /* block */ ;", {}).select_all);
}

TEST(PartiqlParserTest, WhereEvaluatesWithExpressionSemantics) {
  Statement st = ParseStatement(
      "SELECT * FROM T WHERE pk = ? AND (n BETWEEN 1 AND 5 OR s IN ['x', 'y']) AND "
      "begins_with(s, 'x') AND m IS MISSING AND NOT contains(l, 3)",
      {AttributeValue::String("k")});
  model::Item item = Item({{"pk", AttributeValue::String("k")},
                           {"n", AttributeValue::Number("9")},
                           {"s", AttributeValue::String("x")}});
  EXPECT_TRUE(expr::EvaluateCondition(*st.where, &item));
  item["m"] = AttributeValue::Null();
  EXPECT_FALSE(expr::EvaluateCondition(*st.where, &item));
}

TEST(PartiqlParserTest, ArithmeticInWhere) {
  Statement st = ParseStatement("SELECT * FROM T WHERE a + 1 = b - 2 AND a - 0.5 < 10", {});
  model::Item item = Item({{"a", AttributeValue::Number("4")}, {"b", AttributeValue::Number("7")}});
  EXPECT_TRUE(expr::EvaluateCondition(*st.where, &item));
  item["b"] = AttributeValue::String("7");
  EXPECT_FALSE(expr::EvaluateCondition(*st.where, &item));
}

TEST(PartiqlParserTest, IsNullCountsMissing) {
  Statement st = ParseStatement("SELECT * FROM T WHERE a IS NULL", {});
  model::Item empty;
  model::Item null_a = Item({{"a", AttributeValue::Null()}});
  model::Item one = Item({{"a", AttributeValue::Number("1")}});
  EXPECT_TRUE(expr::EvaluateCondition(*st.where, &empty));
  EXPECT_TRUE(expr::EvaluateCondition(*st.where, &null_a));
  EXPECT_FALSE(expr::EvaluateCondition(*st.where, &one));
}

TEST(PartiqlParserTest, InsertBuildsTheItem) {
  Statement st = ParseStatement(
      "INSERT INTO T VALUE {'pk': 'a', 'n': -1.50, 'l': [1, 'x'], 'ss': <<'b', 'a', 'b'>>, "
      "'m': {'k': NULL}, 'q': 'it''s', 'p': ?}",
      {AttributeValue::Bool(true)});
  EXPECT_EQ(st.item.at("n"), AttributeValue::Number("-1.5"));
  EXPECT_EQ(st.item.at("l").list.size(), 2u);
  EXPECT_EQ(st.item.at("ss").set.size(), 2u);
  EXPECT_EQ(st.item.at("q").scalar, "it's");
  EXPECT_EQ(st.item.at("p"), AttributeValue::Bool(true));
}

TEST(PartiqlParserTest, UpdateAppliesThroughExpressionUpdates) {
  Statement st = ParseStatement(
      "UPDATE T SET n = n + 2, l = list_append(l, [3]) SET s = set_add(s, <<'z'>>) REMOVE r "
      "WHERE pk = 'a' RETURNING MODIFIED NEW *",
      {});
  EXPECT_EQ(st.returning, Returning::kModifiedNew);
  model::KeySchema schema;
  schema.hash_name = "pk";
  model::Item item = Item({{"pk", AttributeValue::String("a")},
                           {"n", AttributeValue::Number("1")},
                           {"r", AttributeValue::Number("1")}});
  item["l"].type = model::AvType::kL;
  item["s"].type = model::AvType::kSS;
  item["s"].set = {"y"};
  expr::ApplyUpdate(*st.update, schema, &item, nullptr);
  EXPECT_EQ(item.at("n"), AttributeValue::Number("3"));
  EXPECT_EQ(item.at("l").list.size(), 1u);
  EXPECT_EQ(item.at("s").set.size(), 2u);
  EXPECT_FALSE(item.count("r"));
}

TEST(PartiqlParserTest, KeyPredicatesDecideQueryOrScan) {
  auto preds = [](std::string_view where) {
    Statement st = ParseStatement("SELECT * FROM T WHERE " + std::string(where), {});
    return FindKeyPredicates(st.where.get(), "pk", "sk");
  };
  EXPECT_EQ(preds("pk = 1").hash_values.size(), 1u);
  EXPECT_EQ(preds("pk = 1 AND a = 'x'").hash_values.size(), 1u);
  EXPECT_EQ(preds("pk = 1 OR pk = 2").hash_values.size(), 2u);
  EXPECT_EQ(preds("pk IN [1, 2, 1]").hash_values.size(), 2u);
  EXPECT_TRUE(preds("pk > 1").hash_values.empty());
  EXPECT_TRUE(preds("a = 'x'").hash_values.empty());
  EXPECT_TRUE(preds("pk = 1 OR a = 'x'").hash_values.empty());
  KeyPredicates p = preds("pk = 1 AND sk BETWEEN 2 AND 4");
  EXPECT_EQ(p.range_op, expr::KeyCondition::RangeOp::kBetween);
  EXPECT_EQ(preds("1 < sk AND pk = 1").range_op, expr::KeyCondition::RangeOp::kGt);
}

TEST(PartiqlParserTest, WritesNeedEveryKeyByEquality) {
  auto key = [](std::string_view statement) {
    Statement st = ParseStatement(statement, {});
    return SingleItemKey(st.where.get(), "pk", "sk");
  };
  EXPECT_TRUE(key("DELETE FROM T WHERE pk = 1 AND sk = 2 AND x = 3"));
  EXPECT_FALSE(key("DELETE FROM T WHERE pk = 1"));
  EXPECT_FALSE(key("DELETE FROM T WHERE pk = 1 AND sk > 2"));
  EXPECT_FALSE(key("DELETE FROM T WHERE pk = 1 OR sk = 2"));
}

TEST(PartiqlParserTest, WellFormedness) {
  EXPECT_EQ(Error("SLECT * FROM T"), V(kNotWellFormed + "Expected data manipulation"));
  EXPECT_EQ(Error("SELECT * FROM T WHERE"), V(kNotWellFormed + "Unexpected term"));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a = 1 AND"),
            V(kNotWellFormed + "Missing right-hand side expression of infix operator"));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a = 1 foo"),
            V(kNotWellFormed + "Unexpected token after expression"));
  EXPECT_EQ(Error("SELECT * FROM T WHERE ORDER BY pk"), V(kNotWellFormed + "Unexpected keyword"));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a = LIKE"), V(kNotWellFormed + "Unexpected operator"));
  EXPECT_EQ(Error("SELECT * FROM T WHERE IS NULL"), V(kNotWellFormed + "Unexpected operator"));
  EXPECT_EQ(Error("DELETE FROM"), V(kNotWellFormed + "Expected identifier for simple path"));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a = 'open"), V(kNotWellFormed));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a = 1 # c"), V(kNotWellFormed));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a = 1 /* c"), V(kNotWellFormed));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a = 1e2147483648"), V(kNotWellFormed));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a IS FOO"), V(kNotWellFormed + "Expected type name"));
  EXPECT_EQ(Error("SELECT * FROM T; SELECT * FROM T"),
            V(kNotWellFormed + "Unexpected token after expression"));
}

TEST(PartiqlParserTest, DynamoDbRefusals) {
  EXPECT_EQ(Error("SELECT * FROM T t"), V("Aliasing is not supported"));
  EXPECT_EQ(Error("SELECT * FROM T AS t"), V("Aliasing is not supported"));
  EXPECT_EQ(Error("SELECT * FROM a.b.c"),
            V("A path may contain at most 2 components in the FROM clause"));
  EXPECT_EQ(Error("SELECT * FROM \"\""), V("Path component cannot be an empty string"));
  EXPECT_EQ(Error("INSERT INTO T.i VALUE {'a': 1}"),
            V("FROM clause may only contain a single table name in data manipulation statements"));
  EXPECT_EQ(Error("DELETE FROM T.i WHERE a = 1"), V("This operation is not supported on an index"));
  EXPECT_EQ(Error("DELETE FROM T WHERE a = 1 RETURNING ALL NEW *"),
            V("Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed "
              "in DELETE statements."));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a = ?"),
            V("Number of parameters in request and statement don't match."));
  EXPECT_EQ(Error("SELECT * FROM T", {AttributeValue::Null()}),
            V("Number of parameters in request and statement don't match."));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a = 1e126"),
            V("Number overflow. Attempting to store a number with magnitude larger than supported "
              "range under root"));
  EXPECT_EQ(Error("INSERT INTO T VALUE {'a': [1, 1e-131]}"),
            V("Number underflow. Attempting to store a number with magnitude smaller than "
              "supported range under root[1]"));
  EXPECT_EQ(Error("SELECT * FROM T WHERE a < [1]"),
            V("Incorrect operand type for operator or function; operator or function: <, operand "
              "type: L"));
  EXPECT_EQ(Error("INSERT INTO T VALUE {'a': 1, 'a': 2}"),
            V("Duplicate keys in tuple. Key: a under root"));
  EXPECT_EQ(Error("INSERT INTO T VALUE {'a': <<1, 'x'>>}"),
            V("Unsupported data type in Bag. DynamoDB only supports either numbers or strings in "
              "bags"));
  EXPECT_EQ(Error("SELECT * FROM T WHERE nosuch(a)"), V("Unrecognized function: nosuch"));
}

TEST(PartiqlParserTest, InListsHoldAtMost100Values) {
  std::string hundred = "0";
  for (int i = 1; i < 100; ++i) hundred += ", " + std::to_string(i);
  EXPECT_EQ(Error("SELECT * FROM T WHERE a IN [" + hundred + "]"), "no error");
  EXPECT_EQ(Error("SELECT * FROM T WHERE a IN [" + hundred + ", 100]"),
            V("The IN operator is provided with too many operands; number of operands: 101"));
}

TEST(PartiqlParserTest, RefusedPartiqlForms) {
  EXPECT_EQ(Error("INSERT INTO T VALUE {'a': 1} ON CONFLICT DO NOTHING"),
            V("Unsupported clause: ON CONFLICT"));
  EXPECT_EQ(Error("INSERT INTO T VALUE {'a': 1} ON CONFLICT DO REPLACE EXCLUDED"),
            V("Invalid conflict action. Only \"DO NOTHING\" action is supported."));
  EXPECT_EQ(Error("INSERT INTO T VALUE {'a': 1} ON CONFLICT"),
            V(kNotWellFormed + "Unexpected term"));
  EXPECT_EQ(Error("INSERT INTO T VALUE {'a': 1} AT 'x'"),
            V("AT is not supported in insert statements."));
  EXPECT_EQ(Error("SELECT VALUE a FROM T"),
            V("Select projection doesn't support value or pivot keywords"));
  EXPECT_EQ(Error("SELECT * FROM T, U"),
            V("Only select from a single table or index is supported."));
  EXPECT_EQ(Error("INSERT INTO T t VALUE {'a': 1}"),
            V(kNotWellFormed + "Unexpected token after expression"));
  EXPECT_EQ(Error("FROM T SET a = 1"),
            V("Where clause does not contain a mandatory equality on all key attributes"));
  EXPECT_EQ(Error("FROM T WHERE pk = 1 SET a = 1"), "no error");
}

TEST(PartiqlParserTest, OverlappingKeyedReadsAreRefused) {
  auto check = [](std::string_view where) {
    Statement st = ParseStatement("SELECT * FROM T WHERE " + std::string(where), {});
    try {
      CheckKeyReadsDoNotOverlap(st.where.get(), "pk", "sk");
    } catch (const ApiError& e) {
      return e.message();
    }
    return std::string("runs");
  };
  const std::string overlap =
      "Overlapping conditions with range keys are not supported in where clause";
  EXPECT_EQ(check("pk = 'a' AND x = '1' OR pk = 'a' AND sk = 2"), overlap);
  EXPECT_EQ(check("pk IN ['a', 'a']"), overlap);
  EXPECT_EQ(check("pk = 'a' AND (sk BETWEEN 1 AND 5 OR sk >= 5)"), overlap);
  EXPECT_EQ(check("pk = 'a' AND (sk BETWEEN 1 AND 5 OR sk > 5)"), "runs");
  EXPECT_EQ(check("pk = 'a' AND (sk < 1 OR sk > 1 OR sk = 1)"), "runs");
  EXPECT_EQ(check("pk IN ['a', 'b'] AND sk = 1 OR pk = 'b' AND sk = 2"), "runs");
  EXPECT_EQ(check("pk = 'a' AND NOT sk = 1 OR pk = 'a' AND sk = 2"), "runs");
  EXPECT_EQ(check("pk = 'a' AND sk <> 1 OR pk = 'a' AND sk = 2"), "runs");
  EXPECT_EQ(check("pk = 'a' OR sk = 1"), "runs");
  EXPECT_EQ(check("pk = 'a' AND (x = 1 OR y = 2)"), "runs");
  // Bounds of another type than each other make no certain overlap.
  EXPECT_EQ(check("pk = 'a' AND (sk = 1 OR sk = '1')"), "runs");
  // A disjunctive form past its bound is left unchecked rather than expanded.
  std::string wide = "pk IN [0";
  for (int i = 1; i < 100; ++i) wide += ", " + std::to_string(i);
  wide += "] AND sk IN [0";
  for (int i = 1; i < 100; ++i) wide += ", " + std::to_string(i);
  EXPECT_EQ(check(wide + "]"), "runs");
}

TEST(PartiqlParserTest, DeepNestingIsRefusedWithoutExhaustingTheStack) {
  std::string deep =
      "SELECT * FROM T WHERE " + std::string(100000, '(') + "a = 1" + std::string(100000, ')');
  EXPECT_NE(Error(deep).find("ValidationException"), std::string::npos);
  std::string nots = "SELECT * FROM T WHERE ";
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  EXPECT_NE(Error(nots + "a = 1").find("ValidationException"), std::string::npos);
  std::string lists =
      "INSERT INTO T VALUE {'a': " + std::string(1000, '[') + std::string(1000, ']') + "}";
  EXPECT_NE(Error(lists).find("Nesting Levels have exceeded"), std::string::npos);
  // A parameter inside literal lists nests as deep as they do.
  AttributeValue deep_param;
  deep_param.type = model::AvType::kL;
  AttributeValue* at = &deep_param;
  for (int i = 0; i < 20; ++i) {
    at->list.emplace_back();
    at = &at->list.back();
    at->type = model::AvType::kL;
  }
  std::string wrapped =
      "INSERT INTO T VALUE {'a': " + std::string(15, '[') + "?" + std::string(15, ']') + "}";
  EXPECT_NE(Error(wrapped, {deep_param}).find("Nesting Levels have exceeded"), std::string::npos);
}

TEST(PartiqlParserTest, WriteConditionsEncodeDynamoDbSemantics) {
  model::Item existing =
      Item({{"pk", AttributeValue::String("a")}, {"s", AttributeValue::String("old")}});
  Statement upd = ParseStatement("UPDATE T SET x = 1 WHERE pk = 'a' AND s = 'old'", {});
  auto c = WriteCondition(upd, "pk");
  EXPECT_TRUE(expr::EvaluateCondition(*c, &existing));
  EXPECT_FALSE(expr::EvaluateCondition(*c, nullptr));  // not an upsert
  Statement del = ParseStatement("DELETE FROM T WHERE pk = 'a' AND s = 'new'", {});
  c = WriteCondition(del, "pk");
  EXPECT_FALSE(expr::EvaluateCondition(*c, &existing));
  EXPECT_TRUE(expr::EvaluateCondition(*c, nullptr));  // a missing item deletes fine
  Statement ins = ParseStatement("INSERT INTO T VALUE {'pk': 'a'}", {});
  c = WriteCondition(ins, "pk");
  EXPECT_FALSE(expr::EvaluateCondition(*c, &existing));
  EXPECT_TRUE(expr::EvaluateCondition(*c, nullptr));
}

TEST(PartiqlParserTest, SelectRowsUnnestPaths) {
  Statement st = ParseStatement("SELECT a.b, l[1], absent FROM T", {});
  model::Item item;
  item["a"].type = model::AvType::kM;
  item["a"].map["b"] = AttributeValue::Number("1");
  item["l"].type = model::AvType::kL;
  item["l"].list = {AttributeValue::Number("1"), AttributeValue::Number("2")};
  model::Item row = SelectRow(st, item);
  ASSERT_EQ(row.size(), 2u);
  EXPECT_EQ(row.at("b"), AttributeValue::Number("1"));
  EXPECT_EQ(row.at("l[1]"), AttributeValue::Number("2"));
}

}  // namespace
}  // namespace tideline::partiql
