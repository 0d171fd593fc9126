#pragma once
// The parsed forms behind the opaque Condition / UpdatePlan / Projection of expressions.h.
// Internal to src/expr.
//
// A Tree is a flat arena: nodes refer to their operands by index (through `children`), to their
// document paths by index into `paths` and to their constants by index into the shared
// ValueTable. Parsing a request's expression therefore costs a handful of vector appends, and
// evaluation walks plain arrays.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "expr/expressions.h"
#include "model/attribute_value.h"

namespace tideline::expr {

// The parsed ExpressionAttributeValues of a request (or the values of a legacy parameter).
struct ValueTable {
  std::vector<model::AttributeValue> values;
};

// One step of a document path: an attribute/map key name, or a list index.
struct PathElement {
  std::string name;
  int32_t index = -1;  // >= 0 for a list index
  bool is_index() const { return index >= 0; }
  bool operator==(const PathElement& o) const { return index == o.index && name == o.name; }
};
// A resolved document path; element 0 is always a name (a top-level attribute).
using Path = std::vector<PathElement>;

// DynamoDB's rendering of a path in error messages: [a, b, [3], c].
std::string PathToString(const Path& path);

enum class NodeKind : uint8_t {
  kPath,      // ref = index into Tree::paths
  kValue,     // ref = index into ValueTable::values
  kFunction,  // function(children...)
  kCompare,   // children[0] op children[1]
  kBetween,   // children[0] BETWEEN children[1] AND children[2]
  kIn,        // children[0] IN (children[1..])
  kAnd,
  kOr,
  kNot,
  kPlus,   // UpdateExpression: children[0] + children[1]
  kMinus,  // UpdateExpression: children[0] - children[1]
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
const char* CompareOpText(CompareOp op);  // "=", "<>", ...

enum class Function : uint8_t {
  kAttributeExists,
  kAttributeNotExists,
  kAttributeType,
  kBeginsWith,
  kContains,
  kSize,
  kIfNotExists,
  kListAppend,
  kLegacyNotContains,  // Expected/QueryFilter NOT_CONTAINS: false when the attribute is absent
  kUnknown,
};

// The functions of the expression language, by the name expressions call them.
struct FunctionInfo {
  std::string_view name;
  Function function;
  uint32_t arity;
};
const FunctionInfo* LookupFunction(std::string_view name);  // nullptr for an unknown name
const char* FunctionName(Function f);  // "begins_with", ...; "function" for internal ones
// attribute_exists, attribute_not_exists, attribute_type, begins_with, contains, size: the
// functions of conditions (the others serve updates).
bool IsConditionFunction(Function f);

struct Node {
  NodeKind kind = NodeKind::kValue;
  CompareOp op = CompareOp::kEq;
  Function function = Function::kUnknown;
  uint8_t parens = 0;  // parentheses directly around this node (parse-time only)
  uint32_t ref = 0;
  uint32_t first_child = 0;
  uint32_t child_count = 0;
};

struct Tree {
  std::vector<Node> nodes;
  std::vector<uint32_t> children;
  std::vector<Path> paths;
  std::shared_ptr<const ValueTable> values;

  const Node& node(uint32_t id) const { return nodes[id]; }
  uint32_t child(const Node& n, uint32_t i) const { return children[n.first_child + i]; }
  const Path& path(const Node& n) const { return paths[n.ref]; }
  const model::AttributeValue& value(const Node& n) const { return values->values[n.ref]; }

  uint32_t AddPath(Path path);
  uint32_t AddValue(uint32_t value_index);
  uint32_t Add(Node n, const uint32_t* kids, size_t count);
  uint32_t Add(Node n, std::initializer_list<uint32_t> kids) {
    return Add(n, kids.begin(), kids.size());
  }
};

class Condition {
 public:
  enum class Origin : uint8_t { kExpression, kQueryFilter, kOtherLegacy };
  Tree tree;
  uint32_t root = 0;
  Origin origin = Origin::kExpression;
};

enum class ActionKind : uint8_t {
  kSet,           // path = value expression (node)
  kRemove,        // path
  kAdd,           // path, node = the :value
  kDelete,        // path, node = the :value
  kLegacyAdd,     // AttributeUpdates ADD (numbers, sets, lists)
  kLegacyDelete,  // AttributeUpdates DELETE with a set value
};

struct UpdateAction {
  ActionKind kind = ActionKind::kSet;
  uint32_t path = 0;  // index into Tree::paths
  uint32_t node = 0;
};

class UpdatePlan {
 public:
  Tree tree;
  std::vector<UpdateAction> actions;
};

class Projection {
 public:
  // A trie of the selected paths; node 0 is the root (the item).
  struct TrieNode {
    bool leaf = false;  // the whole value at this path is selected
    std::vector<std::pair<std::string, uint32_t>> fields;
    std::vector<std::pair<int32_t, uint32_t>> indexes;  // kept sorted by index
  };
  std::vector<Path> paths;
  std::vector<TrieNode> trie;
};

// Builds a Projection (trie included) from paths that were already checked not to overlap.
std::shared_ptr<Projection> MakeProjection(std::vector<Path> paths);

}  // namespace tideline::expr
