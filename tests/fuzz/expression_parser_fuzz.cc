// libFuzzer target for the expression parsers and evaluators. The first input byte picks the
// expression kind, the rest is the expression text. Each input gets a fresh resolver with a fixed
// set of #names and :values of every type, so the fuzzer can reach resolution, the semantic
// checks and evaluation. Any ApiError is an expected rejection; anything else that escapes
// (another exception, a crash, a sanitizer report, a hang) is a bug.
//
// Build (clang): cmake -DTIDELINE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
//   -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address ...; ninja expression_parser_fuzz
// Run: ./expression_parser_fuzz -dict=tests/fuzz/expression_parser_fuzz.dict -max_len=4200

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/api_error.h"
#include "expr/expressions.h"
#include "json/json.h"
#include "model/attribute_value.h"
#include "model/key_codec.h"

namespace {

using namespace tideline;

constexpr char kNames[] = R"({"#a":"a","#b":"b","#n":"status","#p":"p","#c":"c","#x":"x.y"})";
constexpr char kValues[] = R"({":a":{"N":"1"},":b":{"S":"x"},":c":{"L":[{"N":"1"},{"S":"x"}]},
  ":d":{"SS":["x","y"]},":e":{"M":{"k":{"N":"2"}}},":n":{"NS":["1","2"]},":t":{"S":"N"},
  ":z":{"B":"aGk="},":l":{"BOOL":true},":u":{"NULL":true},":s":{"BS":["aGk="]},
  ":big":{"N":"9.9E125"},":neg":{"N":"-0.000001"},":p":{"S":"k"}})";
constexpr char kItem[] = R"({"p":{"S":"k"},"c":{"N":"5"},"a":{"N":"3"},"b":{"S":"xyz"},
  "l":{"L":[{"N":"1"},{"M":{"k":{"L":[{"S":"deep"}]}}},{"SS":["x"]}]},
  "m":{"M":{"a":{"N":"1"},"b":{"M":{"c":{"S":"d"}}},"l":{"L":[]}}},
  "s":{"SS":["x","y"]},"n":{"NS":["1","2"]},"bin":{"B":"aGk="},"t":{"BOOL":false},
  "z":{"NULL":true},"status":{"S":"on"},"x.y":{"N":"0"}})";

struct Fixture {
  json::Document names, values, item_json;
  model::Item item;
  model::KeySchema schema;
  Fixture() {
    std::string err;
    json::Parse(kNames, &names, &err);
    json::Parse(kValues, &values, &err);
    json::Parse(kItem, &item_json, &err);
    item = model::ItemFromJson(item_json);
    schema.hash_name = "p";
    schema.hash_type = model::AvType::kS;
    schema.range_name = "c";
    schema.range_type = model::AvType::kN;
  }
};

const Fixture& Fix() {
  static const Fixture* f = new Fixture();
  return *f;
}

void RunOne(uint8_t mode, std::string_view text) {
  const Fixture& f = Fix();
  expr::AttributeResolver r(&f.names, &f.values);
  switch (mode % 5) {
    case 0: {
      auto c = expr::ParseCondition(text, r, "ConditionExpression");
      expr::EvaluateCondition(*c, &f.item);
      expr::EvaluateCondition(*c, nullptr);
      expr::CheckFilterUsesNoKeyAttributes(*c, f.schema);
      break;
    }
    case 1: {
      auto plan = expr::ParseUpdate(text, r);
      model::Item item = f.item;
      std::vector<std::string> updated;
      try {
        expr::ApplyUpdate(*plan, f.schema, &item, &updated);
      } catch (const ApiError&) {
      }
      model::Item fresh;
      try {
        expr::ApplyUpdate(*plan, f.schema, &fresh, nullptr, false);
      } catch (const ApiError&) {
      }
      expr::Project(*expr::UpdatedPaths(*plan), item);
      expr::UpdateOnlyRemoves(*plan);
      break;
    }
    case 2: {
      auto p = expr::ParseProjection(text, r);
      expr::Project(*p, f.item);
      expr::ProjectionTopLevelNames(*p);
      break;
    }
    case 3:
      expr::ParseKeyCondition(text, r, f.schema);
      break;
    case 4: {
      // The same text as a FilterExpression against an item without the attributes it names.
      auto c = expr::ParseCondition(text, r, "FilterExpression");
      model::Item empty;
      expr::EvaluateCondition(*c, &empty);
      break;
    }
  }
  r.CheckAllUsed();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    RunOne(data[0], text);
  } catch (const tideline::ApiError&) {
    // A rejected expression: the expected outcome for most inputs.
  }
  return 0;
}
