// CreateTable: validates the key schema against the attribute definitions and the billing
// settings with DynamoDB's messages, then creates the table ACTIVE at once (tables need no
// provisioning here; waiters see ACTIVE on their first poll).

#include "api/index_definitions.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "api/stream_specification.h"
#include "api/table_description.h"
#include "api/tags.h"
#include "common/api_error.h"
#include "common/uuid.h"
#include "model/key_codec.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

struct KeyElement {
  std::string name;
  std::string type;
};

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

std::string ExecuteCreateTable(Context& ctx, const json::Value& req) {
  ValidationErrors errors;
  auto name = OptString(req, "TableName");
  const json::Value* defs = OptArray(req, "AttributeDefinitions");
  const json::Value* schema = OptArray(req, "KeySchema");
  auto billing = OptString(req, "BillingMode");
  const json::Value* throughput = OptObject(req, "ProvisionedThroughput");

  std::vector<KeyElement> definitions, keys;
  if (!defs) {
    errors.AddNull("attributeDefinitions");
  } else {
    int i = 0;
    for (const auto& d : defs->GetArray()) {
      ++i;
      if (!d.IsObject()) throw ApiError::Serialization("Expected null");
      const std::string path = "attributeDefinitions." + std::to_string(i) + ".member";
      auto an = OptString(d, "AttributeName");
      auto at = OptString(d, "AttributeType");
      if (!an)
        errors.AddNull(path + ".attributeName");
      else
        CheckKeyAttributeName(*an, path + ".attributeName", &errors);
      if (!at)
        errors.AddNull(path + ".attributeType");
      else if (*at != "S" && *at != "N" && *at != "B")
        errors.Add(ValidationErrors::Quote(*at), path + ".attributeType",
                   "Member must satisfy enum value set: [B, N, S]");
      definitions.push_back({std::string(an.value_or("")), std::string(at.value_or(""))});
    }
  }
  CheckTableName(name, "tableName", &errors);
  std::vector<std::string> rendered;  // the elements as DynamoDB prints them in messages
  if (!schema) {
    errors.AddNull("keySchema");
  } else {
    int i = 0;
    for (const auto& k : schema->GetArray()) {
      ++i;
      if (!k.IsObject()) throw ApiError::Serialization("Expected null");
      const std::string path = "keySchema." + std::to_string(i) + ".member";
      auto an = OptString(k, "AttributeName");
      auto kt = OptString(k, "KeyType");
      if (!an)
        errors.AddNull(path + ".attributeName");
      else
        CheckKeyAttributeName(*an, path + ".attributeName", &errors);
      if (!kt)
        errors.AddNull(path + ".keyType");
      else if (*kt != "HASH" && *kt != "RANGE")
        errors.Add(ValidationErrors::Quote(*kt), path + ".keyType",
                   "Member must satisfy enum value set: [HASH, RANGE]");
      keys.push_back({std::string(an.value_or("")), std::string(kt.value_or(""))});
      rendered.push_back(RenderKeySchemaElement(an, kt));
    }
    if (keys.empty())
      errors.Add("'[]'", "keySchema", "Member must have length greater than or equal to 1");
    if (keys.size() > 2) {
      std::string list = "[";
      for (size_t i = 0; i < rendered.size(); ++i) list += (i ? ", " : "") + rendered[i];
      errors.Add(ValidationErrors::Quote(list + "]"), "keySchema",
                 "Member must have length less than or equal to 2");
    }
  }
  if (billing && *billing != "PROVISIONED" && *billing != "PAY_PER_REQUEST") {
    errors.Add(ValidationErrors::Quote(*billing), "billingMode",
               "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  }
  int64_t rcu = 0, wcu = 0;
  ReadProvisionedThroughput(throughput, "provisionedThroughput", &errors, &rcu, &wcu);
  std::optional<std::vector<IndexDefinition>> locals, globals;
  if (const json::Value* l = OptArray(req, "LocalSecondaryIndexes"))
    locals = ReadIndexDefinitions(*l, /*global=*/false, "localSecondaryIndexes", &errors);
  if (const json::Value* g = OptArray(req, "GlobalSecondaryIndexes"))
    globals = ReadIndexDefinitions(*g, /*global=*/true, "globalSecondaryIndexes", &errors);
  std::vector<std::pair<std::string, std::string>> tags;
  if (const json::Value* t = OptArray(req, "Tags")) tags = ReadTags(*t, &errors);
  ReadStreamSpecification(req, &errors);
  errors.ThrowIfAny();

  const bool on_demand = billing && *billing == "PAY_PER_REQUEST";
  if (on_demand && throughput) throw ThroughputWithPayPerRequest();
  if (!on_demand && !throughput) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
        "must both be specified when BillingMode is PROVISIONED");
  }
  if (!on_demand && (rcu > 1000000000000 || wcu > 1000000000000)) {
    const bool r = rcu > 1000000000000;
    throw ApiError::Validation("Given value " + std::to_string(r ? rcu : wcu) + " for " +
                               (r ? "ReadCapacityUnits" : "WriteCapacityUnits") +
                               " is out of bounds");
  }
  RefuseEnabledStream(req);
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
  const bool has_indexes = locals || globals;
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
    ValidateCreateTableIndexes(table_keys, attribute_definitions, on_demand, locals, globals);
  }

  storage::TableMeta meta;
  meta.name = std::string(*name);
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
  for (const auto* list : {&locals, &globals}) {
    if (!*list) continue;
    for (const auto& index : **list) {
      meta.indexes.push_back(ToIndexMeta(index, meta.attribute_definitions, on_demand));
      meta.indexes.back().id = meta.next_index_id++;
    }
  }
  meta.billing_mode = on_demand ? "PAY_PER_REQUEST" : "PROVISIONED";
  meta.read_capacity = on_demand ? 0 : rcu;
  meta.write_capacity = on_demand ? 0 : wcu;
  meta.creation_time_ms = NowMillis();
  if (on_demand) meta.last_billing_mode_change_ms = meta.creation_time_ms;
  meta.tags = std::move(tags);
  if (auto dp = OptBool(req, "DeletionProtectionEnabled")) meta.deletion_protection = *dp;

  CheckTableQuota(ctx);
  std::shared_ptr<const storage::TableMeta> created;
  Status s = ctx.storage.CreateTable(std::move(meta), &created);
  if (s.IsAlreadyExists()) {
    throw ApiError::ResourceInUse("Table already exists: " + std::string(*name));
  }
  if (!s.ok()) throw StatusError(s);

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TableDescription");
  WriteTableDescription(w, ctx, *created, "ACTIVE", /*index_warm_throughput=*/false);
  return response.Finish();
}

}  // namespace tideline::api
