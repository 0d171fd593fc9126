// AttributeUpdates (UpdateItem's legacy parameter) as an UpdatePlan:
//   PUT <value>         -> SET name = value
//   DELETE (no value)   -> REMOVE name
//   DELETE <set>        -> remove those elements (the attribute goes when the set empties)
//   ADD <number|set|list> -> add to the number, union with the set, append to the list
// Validation messages: dynalite validations/updateItem.js; runtime type mismatches are
// "Type mismatch for attribute to update" (update.cc).

#include <string>

#include "common/api_error.h"
#include "expr/ast.h"

namespace tideline::expr {

std::shared_ptr<const UpdatePlan> UpdateFromAttributeUpdates(const json::Value& updates) {
  if (!updates.IsObject()) throw ApiError::Serialization("Expected map or null");
  auto plan = std::make_shared<UpdatePlan>();
  auto table = std::make_shared<ValueTable>();
  plan->tree.values = table;
  for (auto it = updates.MemberBegin(); it != updates.MemberEnd(); ++it) {
    std::string key(json::AsView(it->name));
    const json::Value& u = it->value;
    if (!u.IsObject()) throw ApiError::Serialization("Expected structure or null");
    model::CheckAttributeName(key);
    std::string_view action = "PUT";
    if (const json::Value* a = json::Find(u, "Action")) {
      if (!a->IsString()) throw ApiError::Serialization("Expected string");
      action = json::AsView(*a);
      if (action != "ADD" && action != "PUT" && action != "DELETE") {
        throw ApiError::Validation("1 validation error detected: Value '" + std::string(action) +
                                   "' at 'attributeUpdates." + key +
                                   ".member.action' failed to satisfy constraint: Member must "
                                   "satisfy enum value set: [ADD, PUT, DELETE]");
      }
    }
    const json::Value* value_json = json::Find(u, "Value");
    UpdateAction act;
    PathElement e;
    e.name = key;
    act.path = static_cast<uint32_t>(plan->tree.paths.size());
    plan->tree.paths.push_back(Path{std::move(e)});
    if (!value_json) {
      if (action != "DELETE") {
        throw ApiError::Validation(
            "One or more parameter values were invalid: Only DELETE action is allowed when no "
            "attribute value is specified");
      }
      act.kind = ActionKind::kRemove;
      plan->actions.push_back(act);
      continue;
    }
    model::AttributeValue v = model::AttributeValueFromJson(*value_json);
    const model::AvType t = v.type;
    if (action == "DELETE" && !v.is_set()) {
      throw ApiError::Validation(
          std::string("One or more parameter values were invalid: DELETE action with value is "
                      "not supported for the type ") +
          model::AvTypeName(t));
    }
    if (action == "ADD" && !v.is_set() && t != model::AvType::kN && t != model::AvType::kL) {
      throw ApiError::Validation(
          std::string("One or more parameter values were invalid: ADD action is not supported "
                      "for the type ") +
          model::AvTypeName(t));
    }
    table->values.push_back(std::move(v));
    act.node = plan->tree.AddValue(static_cast<uint32_t>(table->values.size() - 1));
    act.kind = action == "PUT"   ? ActionKind::kSet
               : action == "ADD" ? ActionKind::kLegacyAdd
                                 : ActionKind::kLegacyDelete;
    plan->actions.push_back(act);
  }
  return plan;
}

}  // namespace tideline::expr
