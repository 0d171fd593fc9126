// ProjectionExpression (and AttributesToGet):
//
//   projection := path (',' path)* EOF
//
// Every identifier is checked against the reserved words; paths may not overlap ("a, a.b") or
// conflict ("a.b, a[1]"). Projecting keeps the selected parts of each value in place: maps keep
// only the selected keys, lists only the selected elements, in index order.

#include <algorithm>
#include <string>

#include "common/api_error.h"
#include "expr/ast.h"
#include "expr/parser_base.h"

namespace tideline::expr {

using model::AttributeValue;
using model::AvType;

namespace {

enum Slot : size_t { kReserved, kAttrNameVal, kPathOverlap, kPathConflict, kSlotCount };

class ProjectionParser : public ParserBase {
 public:
  ProjectionParser(std::string_view text, AttributeResolver& r, Tree* scratch)
      : ParserBase(text, "ProjectionExpression", r, scratch, kSlotCount) {
    reserved_slot_ = kReserved;
    name_slot_ = kAttrNameVal;
    value_slot_ = kAttrNameVal;
  }

  std::vector<Path> Run() {
    std::vector<uint32_t> refs;
    for (;;) {
      if (!AtPathStart()) SyntaxError();
      refs.push_back(tree_->nodes[ParsePath()].ref);
      if (Kind() != TokenKind::kComma) break;
      Advance();
    }
    if (Kind() != TokenKind::kEof) SyntaxError();
    std::vector<Path> paths;
    paths.reserve(refs.size());
    for (uint32_t ref : refs) {
      CheckPath(tree_->paths[ref], paths);
      paths.push_back(std::move(tree_->paths[ref]));
    }
    ThrowFirstError({kReserved, kAttrNameVal, kPathOverlap, kPathConflict});
    return paths;
  }

 protected:
  bool IsKeyword(std::string_view) const override { return false; }
  std::string TooDeepFunctionMessage(std::string_view name) const override {
    return "Invalid function name; function: " + std::string(name);
  }

 private:
  void CheckPath(const Path& p2, const std::vector<Path>& earlier) {
    for (const Path& p1 : earlier) CheckPathPair(p1, p2, kPathOverlap, kPathConflict);
  }
};

bool ProjectValue(const Projection& p, uint32_t node, const AttributeValue& v,
                  AttributeValue* out) {
  const Projection::TrieNode& t = p.trie[node];
  if (t.leaf) {
    *out = v;
    return true;
  }
  if (!t.fields.empty()) {
    if (v.type != AvType::kM) return false;
    AttributeValue m;
    m.type = AvType::kM;
    for (const auto& [name, child] : t.fields) {
      auto it = v.map.find(name);
      if (it == v.map.end()) continue;
      AttributeValue sub;
      if (ProjectValue(p, child, it->second, &sub)) m.map.emplace(name, std::move(sub));
    }
    if (m.map.empty()) return false;
    *out = std::move(m);
    return true;
  }
  if (!t.indexes.empty()) {
    if (v.type != AvType::kL) return false;
    AttributeValue l;
    l.type = AvType::kL;
    for (const auto& [index, child] : t.indexes) {
      if (static_cast<size_t>(index) >= v.list.size()) break;
      AttributeValue sub;
      if (ProjectValue(p, child, v.list[index], &sub)) l.list.push_back(std::move(sub));
    }
    if (l.list.empty()) return false;
    *out = std::move(l);
    return true;
  }
  return false;
}

}  // namespace

std::shared_ptr<const Projection> ParseProjection(std::string_view text, AttributeResolver& r) {
  // Only the expression's own text counts against the 4 KB limit, not the names its #names
  // stand for: AWS projects a 65,535-byte name through "#n" (Alternator's
  // test_limit_attribute_length_nonkey_good, run against AWS).
  CheckExpressionSize(text, text.size(), "ProjectionExpression");
  Tree scratch;
  ProjectionParser parser(text, r, &scratch);
  return MakeProjection(parser.Run());
}

model::Item Project(const Projection& p, const model::Item& item) {
  model::Item out;
  if (p.trie.empty()) return out;
  for (const auto& [name, child] : p.trie[0].fields) {
    auto it = item.find(name);
    if (it == item.end()) continue;
    if (p.trie[child].leaf) {
      out.emplace(name, it->second);
      continue;
    }
    AttributeValue projected;
    if (ProjectValue(p, child, it->second, &projected)) out.emplace(name, std::move(projected));
  }
  return out;
}

std::vector<std::string> ProjectionTopLevelNames(const Projection& p) {
  std::vector<std::string> names;
  if (p.trie.empty()) return names;
  for (const auto& field : p.trie[0].fields) names.push_back(field.first);
  return names;
}

std::shared_ptr<const Projection> ProjectionFromAttributesToGet(const json::Value& names) {
  if (!names.IsArray()) throw ApiError::Serialization("Expected list or null");
  std::vector<Path> paths;
  paths.reserve(names.Size());
  std::vector<std::string_view> seen;
  for (const json::Value& v : names.GetArray()) {
    if (!v.IsString()) throw ApiError::Serialization("Expected string");
    std::string_view name = json::AsView(v);
    model::CheckAttributeName(name);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      throw ApiError::Validation(
          "One or more parameter values were invalid: Duplicate value in attribute name: " +
          std::string(name));
    }
    seen.push_back(name);
    PathElement e;
    e.name = std::string(name);
    paths.push_back(Path{std::move(e)});
  }
  return MakeProjection(std::move(paths));
}

}  // namespace tideline::expr
