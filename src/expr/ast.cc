#include "expr/ast.h"

#include <algorithm>

namespace tideline::expr {

std::string PathToString(const Path& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.size(); ++i) {
    if (i) out += ", ";
    if (path[i].is_index()) {
      out += '[';
      out += std::to_string(path[i].index);
      out += ']';
    } else {
      out += path[i].name;
    }
  }
  out += ']';
  return out;
}

namespace {
constexpr FunctionInfo kFunctions[] = {
    {"attribute_exists", Function::kAttributeExists, 1},
    {"attribute_not_exists", Function::kAttributeNotExists, 1},
    {"attribute_type", Function::kAttributeType, 2},
    {"begins_with", Function::kBeginsWith, 2},
    {"contains", Function::kContains, 2},
    {"size", Function::kSize, 1},
    {"if_not_exists", Function::kIfNotExists, 2},
    {"list_append", Function::kListAppend, 2},
};
}  // namespace

const FunctionInfo* LookupFunction(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const char* FunctionName(Function f) {
  for (const FunctionInfo& info : kFunctions) {
    if (info.function == f) return info.name.data();
  }
  return "function";
}

bool IsConditionFunction(Function f) {
  return f != Function::kIfNotExists && f != Function::kListAppend &&
         f != Function::kLegacyNotContains && f != Function::kUnknown;
}

const char* CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "<>";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

uint32_t Tree::AddPath(Path path) {
  Node n;
  n.kind = NodeKind::kPath;
  n.ref = static_cast<uint32_t>(paths.size());
  paths.push_back(std::move(path));
  return Add(n, nullptr, 0);
}

uint32_t Tree::AddValue(uint32_t value_index) {
  Node n;
  n.kind = NodeKind::kValue;
  n.ref = value_index;
  return Add(n, nullptr, 0);
}

uint32_t Tree::Add(Node n, const uint32_t* kids, size_t count) {
  n.first_child = static_cast<uint32_t>(children.size());
  n.child_count = static_cast<uint32_t>(count);
  children.insert(children.end(), kids, kids + count);
  nodes.push_back(n);
  return static_cast<uint32_t>(nodes.size() - 1);
}

std::shared_ptr<Projection> MakeProjection(std::vector<Path> paths) {
  auto p = std::make_shared<Projection>();
  p->trie.emplace_back();  // the root
  for (const Path& path : paths) {
    uint32_t at = 0;
    for (const PathElement& e : path) {
      if (p->trie[at].leaf) break;  // an enclosing value is already selected whole
      uint32_t next = 0;
      if (e.is_index()) {
        auto& idx = p->trie[at].indexes;
        auto it = std::lower_bound(idx.begin(), idx.end(), e.index,
                                   [](const auto& entry, int32_t v) { return entry.first < v; });
        if (it != idx.end() && it->first == e.index) {
          next = it->second;
        } else {
          next = static_cast<uint32_t>(p->trie.size());
          idx.insert(it, {e.index, next});
          p->trie.emplace_back();
        }
      } else {
        auto& fields = p->trie[at].fields;
        auto it = std::find_if(fields.begin(), fields.end(),
                               [&](const auto& entry) { return entry.first == e.name; });
        if (it != fields.end()) {
          next = it->second;
        } else {
          next = static_cast<uint32_t>(p->trie.size());
          fields.emplace_back(e.name, next);
          p->trie.emplace_back();
        }
      }
      at = next;
    }
    Projection::TrieNode& end = p->trie[at];
    end.leaf = true;
    end.fields.clear();
    end.indexes.clear();
  }
  p->paths = std::move(paths);
  return p;
}

}  // namespace tideline::expr
