#include "api/table_definition.h"

#include "common/api_error.h"
#include "common/clock.h"
#include "common/uuid.h"
#include "model/key_codec.h"

namespace tideline::api {

namespace {

// Key attribute names, in KeySchema and AttributeDefinitions alike, are 1..255 characters (the
// service model's KeySchemaAttributeName); checked with the other member constraints, so before
// any check that the key schema and the definitions match.
void CheckKeyAttributeName(std::string_view name, const std::string& path,
                           ValidationErrors* errors) {
  if (name.empty()) {
    errors->Add(ValidationErrors::Quote(name), path,
                "Member must have length greater than or equal to 1");
  } else if (name.size() > 255) {
    errors->Add(ValidationErrors::Quote(name), path,
                "Member must have length less than or equal to 255");
  }
}

// A KeySchemaElement as DynamoDB's messages print it (Java's toString of the request object):
// "KeySchemaElement(attributeName=pk, keyType=HASH)".
std::string RenderKeySchemaElement(std::optional<std::string_view> name,
                                   std::optional<std::string_view> type) {
  return "KeySchemaElement(attributeName=" + std::string(name.value_or("null")) +
         ", keyType=" + std::string(type.value_or("null")) + ")";
}

}  // namespace

TableDefinition ReadTableDefinition(const json::Value& params, const std::string& path_prefix,
                                    bool local_indexes, ValidationErrors* errors) {
  TableDefinition def;
  def.name = OptString(params, "TableName");
  const json::Value* defs = OptArray(params, "AttributeDefinitions");
  const json::Value* schema = OptArray(params, "KeySchema");
  def.billing = OptString(params, "BillingMode");
  def.throughput = OptObject(params, "ProvisionedThroughput");

  auto& definitions = def.definitions;
  auto& keys = def.keys;
  if (!defs) {
    errors->AddNull(path_prefix + "attributeDefinitions");
  } else {
    int i = 0;
    for (const auto& d : defs->GetArray()) {
      ++i;
      if (!d.IsObject()) throw ApiError::Serialization("Expected null");
      const std::string path =
          path_prefix + "attributeDefinitions." + std::to_string(i) + ".member";
      auto an = OptString(d, "AttributeName");
      auto at = OptString(d, "AttributeType");
      if (!an)
        errors->AddNull(path + ".attributeName");
      else
        CheckKeyAttributeName(*an, path + ".attributeName", errors);
      if (!at)
        errors->AddNull(path + ".attributeType");
      else if (*at != "S" && *at != "N" && *at != "B")
        errors->Add(ValidationErrors::Quote(*at), path + ".attributeType",
                    "Member must satisfy enum value set: [B, N, S]");
      definitions.push_back({std::string(an.value_or("")), std::string(at.value_or(""))});
    }
  }
  CheckTableName(def.name, path_prefix + "tableName", errors);
  std::vector<std::string> rendered;  // the elements as DynamoDB prints them in messages
  if (!schema) {
    errors->AddNull(path_prefix + "keySchema");
  } else {
    int i = 0;
    for (const auto& k : schema->GetArray()) {
      ++i;
      if (!k.IsObject()) throw ApiError::Serialization("Expected null");
      const std::string path = path_prefix + "keySchema." + std::to_string(i) + ".member";
      auto an = OptString(k, "AttributeName");
      auto kt = OptString(k, "KeyType");
      if (!an)
        errors->AddNull(path + ".attributeName");
      else
        CheckKeyAttributeName(*an, path + ".attributeName", errors);
      if (!kt)
        errors->AddNull(path + ".keyType");
      else if (*kt != "HASH" && *kt != "RANGE")
        errors->Add(ValidationErrors::Quote(*kt), path + ".keyType",
                    "Member must satisfy enum value set: [HASH, RANGE]");
      keys.push_back({std::string(an.value_or("")), std::string(kt.value_or(""))});
      rendered.push_back(RenderKeySchemaElement(an, kt));
    }
    if (keys.empty())
      errors->Add("'[]'", path_prefix + "keySchema",
                  "Member must have length greater than or equal to 1");
    if (keys.size() > 2) {
      std::string list = "[";
      for (size_t i = 0; i < rendered.size(); ++i) list += (i ? ", " : "") + rendered[i];
      errors->Add(ValidationErrors::Quote(list + "]"), path_prefix + "keySchema",
                  "Member must have length less than or equal to 2");
    }
  }
  if (def.billing && *def.billing != "PROVISIONED" && *def.billing != "PAY_PER_REQUEST") {
    errors->Add(ValidationErrors::Quote(*def.billing), path_prefix + "billingMode",
                "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  }
  ReadProvisionedThroughput(def.throughput, path_prefix + "provisionedThroughput", errors, &def.rcu,
                            &def.wcu);
  if (const json::Value* l = local_indexes ? OptArray(params, "LocalSecondaryIndexes") : nullptr)
    def.locals =
        ReadIndexDefinitions(*l, /*global=*/false, path_prefix + "localSecondaryIndexes", errors);
  if (const json::Value* g = OptArray(params, "GlobalSecondaryIndexes"))
    def.globals =
        ReadIndexDefinitions(*g, /*global=*/true, path_prefix + "globalSecondaryIndexes", errors);
  return def;
}

void CheckBillingRules(const TableDefinition& def) {
  const bool on_demand = def.billing && *def.billing == "PAY_PER_REQUEST";
  if (on_demand && def.throughput) throw ThroughputWithPayPerRequest();
  if (!on_demand && !def.throughput) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
        "must both be specified when BillingMode is PROVISIONED");
  }
  if (!on_demand && (def.rcu > 1000000000000 || def.wcu > 1000000000000)) {
    const bool r = def.rcu > 1000000000000;
    throw ApiError::Validation("Given value " + std::to_string(r ? def.rcu : def.wcu) + " for " +
                               (r ? "ReadCapacityUnits" : "WriteCapacityUnits") +
                               " is out of bounds");
  }
}

storage::TableMeta BuildTableMeta(const TableDefinition& def) {
  const bool on_demand = def.billing && *def.billing == "PAY_PER_REQUEST";
  const auto& definitions = def.definitions;
  const auto& keys = def.keys;
  std::string def_names, key_names;
  for (size_t i = 0; i < definitions.size(); ++i)
    def_names += (i ? ", " : "") + definitions[i].name;
  for (size_t i = 0; i < keys.size(); ++i) key_names += (i ? ", " : "") + keys[i].name;
  for (size_t i = 0; i < definitions.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (definitions[i].name == definitions[j].name) {
        throw ApiError::Validation(
            "One or more parameter values were invalid: Attribute Name is duplicated: " +
            definitions[i].name);
      }
    }
  }
  if (keys.size() > definitions.size()) {
    throw ApiError::Validation("Invalid KeySchema: Some index key attribute have no definition");
  }
  for (const auto& k : keys) {
    bool defined = false;
    for (const auto& d : definitions) defined |= d.name == k.name;
    if (!defined) {
      throw ApiError::Validation(
          "One or more parameter values were invalid: Some index key attributes are not "
          "defined in AttributeDefinitions. Keys: [" +
          key_names + "], AttributeDefinitions: [" + def_names + "]");
    }
  }
  if (keys.size() == 2 && keys[0].name == keys[1].name) {
    throw ApiError::Validation(
        "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (keys[0].type != "HASH") {
    throw ApiError::Validation(
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (keys.size() == 2 && keys[1].type != "RANGE") {
    throw ApiError::Validation(
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  const bool has_indexes = def.locals || def.globals;
  if (!has_indexes && keys.size() != definitions.size()) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions");
  }

  if (has_indexes) {
    std::vector<IndexDefinition::KeyElement> table_keys;
    for (const auto& k : keys) table_keys.push_back({k.name, k.type});
    std::vector<AttributeDefinition> attribute_definitions;
    for (const auto& d : definitions) attribute_definitions.push_back({d.name, d.type});
    ValidateCreateTableIndexes(table_keys, attribute_definitions, on_demand, def.locals,
                               def.globals);
  }

  storage::TableMeta meta;
  meta.name = std::string(*def.name);
  meta.table_uuid = NewUuid();
  auto type_of = [&](const std::string& attr) {
    model::AvType t = model::AvType::kS;
    for (const auto& d : definitions) {
      if (d.name == attr) model::AvTypeFromName(d.type, &t);
    }
    return t;
  };
  meta.key_schema.hash_name = keys[0].name;
  meta.key_schema.hash_type = type_of(keys[0].name);
  if (keys.size() == 2) {
    meta.key_schema.range_name = keys[1].name;
    meta.key_schema.range_type = type_of(keys[1].name);
  }
  for (const auto& d : definitions)
    meta.attribute_definitions.emplace_back(d.name, type_of(d.name));
  // Indexes in the order given, LSIs first (as DescribeTable lists them in separate lists, the
  // relative order of the two kinds does not show). They are ACTIVE with the table.
  for (const auto* list : {&def.locals, &def.globals}) {
    if (!*list) continue;
    for (const auto& index : **list) {
      meta.indexes.push_back(ToIndexMeta(index, meta.attribute_definitions, on_demand));
      meta.indexes.back().id = meta.next_index_id++;
    }
  }
  meta.billing_mode = on_demand ? "PAY_PER_REQUEST" : "PROVISIONED";
  meta.read_capacity = on_demand ? 0 : def.rcu;
  meta.write_capacity = on_demand ? 0 : def.wcu;
  meta.creation_time_ms = NowMillis();
  if (on_demand) meta.last_billing_mode_change_ms = meta.creation_time_ms;
  return meta;
}

}  // namespace tideline::api
