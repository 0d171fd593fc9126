// libFuzzer target for the PartiQL parser (src/partiql) and what runs on its output without
// storage: key analysis, write conditions, SELECT rows, condition evaluation and update
// application (src/expr). The first input byte picks how many `?` parameters are bound (0-3, of
// assorted types), the rest is the statement text. Any ApiError is an expected rejection;
// anything else that escapes (another exception, a crash, a sanitizer report, a hang) is a bug.
//
// Build and run: scripts/fuzz.sh 120 partiql_parser_fuzz

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/api_error.h"
#include "expr/expressions.h"
#include "json/json.h"
#include "model/attribute_value.h"
#include "partiql/key_overlap.h"
#include "partiql/plan.h"
#include "partiql/statement.h"

namespace {

using namespace tideline;

constexpr char kItem[] = R"({"pk":{"S":"k"},"sk":{"N":"5"},"a":{"N":"3"},"b":{"S":"xyz"},
  "l":{"L":[{"N":"1"},{"M":{"k":{"L":[{"S":"deep"}]}}},{"SS":["x"]}]},
  "m":{"M":{"a":{"N":"1"},"b":{"M":{"c":{"S":"d"}}},"l":{"L":[]}}},
  "s":{"SS":["x","y"]},"n":{"NS":["1","2"]},"bin":{"B":"aGk="},"t":{"BOOL":false},
  "z":{"NULL":true}})";

struct Fixture {
  model::Item item;
  model::KeySchema schema;
  std::vector<model::AttributeValue> parameters;
  Fixture() {
    json::Document doc;
    std::string err;
    json::Parse(kItem, &doc, &err);
    item = model::ItemFromJson(doc);
    schema.hash_name = "pk";
    schema.hash_type = model::AvType::kS;
    schema.range_name = "sk";
    schema.range_type = model::AvType::kN;
    parameters = {model::AttributeValue::String("k"), model::AttributeValue::Number("5"),
                  item.at("l")};
  }
};

const Fixture& Fix() {
  static const Fixture* f = new Fixture();
  return *f;
}

void RunOne(uint8_t parameter_count, std::string_view text) {
  const Fixture& f = Fix();
  std::vector<model::AttributeValue> params(f.parameters.begin(),
                                            f.parameters.begin() + parameter_count % 4);
  partiql::Statement st = partiql::ParseStatement(text, params);
  partiql::FindKeyPredicates(st.where.get(), "pk", "sk");
  try {
    partiql::CheckKeyReadsDoNotOverlap(st.where.get(), "pk", "sk");
  } catch (const ApiError&) {
  }
  try {
    partiql::SingleItemKey(st.where.get(), "pk", "sk");
  } catch (const ApiError&) {
  }
  if (st.where) {
    expr::EvaluateCondition(*st.where, &f.item);
    expr::EvaluateCondition(*st.where, nullptr);
  }
  if (st.kind != partiql::StatementKind::kSelect) {
    auto c = partiql::WriteCondition(st, "pk");
    expr::EvaluateCondition(*c, &f.item);
    expr::EvaluateCondition(*c, nullptr);
  }
  if (st.kind == partiql::StatementKind::kSelect) partiql::SelectRow(st, f.item);
  if (st.update) {
    model::Item item = f.item;
    try {
      expr::ApplyUpdate(*st.update, f.schema, &item, nullptr);
    } catch (const ApiError&) {
    }
    expr::Project(*expr::UpdatedPaths(*st.update), item);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    RunOne(data[0], text);
  } catch (const tideline::ApiError&) {
    // A refused statement: the expected outcome for most inputs.
  }
  return 0;
}
