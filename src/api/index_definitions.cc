#include "api/index_definitions.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "common/api_error.h"

namespace tideline::api {

namespace {

constexpr const char* kInvalid = "One or more parameter values were invalid: ";
constexpr size_t kMaxNonKeyAttributesPerIndex = 20;
constexpr size_t kMaxProjectedAttributes = 100;
constexpr size_t kMaxLocalIndexes = 5;
constexpr size_t kMaxGlobalIndexes = 20;
// Multi-attribute GSI keys (2025-11): up to 4 partition and 4 sort key attributes.
constexpr int kMaxKeyAttributesPerType = 4;

[[noreturn]] void Invalid(const std::string& detail) {
  throw ApiError::Validation(kInvalid + detail);
}

std::string JoinList(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out + "]";
}

// A KeySchemaElement as DynamoDB prints it in a list constraint message (Java's toString).
std::string RenderKeyElement(const IndexDefinition::KeyElement& k) {
  return "KeySchemaElement(attributeName=" + (k.name.empty() ? "null" : k.name) +
         ", keyType=" + (k.type.empty() ? "null" : k.type) + ")";
}

void ReadKeySchema(const json::Value* schema, bool global, const std::string& path,
                   ValidationErrors* errors, IndexDefinition* out) {
  if (!schema) return errors->AddNull(path);
  int i = 0;
  std::vector<std::string> rendered;
  for (const auto& k : schema->GetArray()) {
    ++i;
    if (!k.IsObject()) throw ApiError::Serialization("Expected null");
    const std::string member = path + "." + std::to_string(i) + ".member";
    auto name = OptString(k, "AttributeName");
    auto type = OptString(k, "KeyType");
    if (!name) {
      errors->AddNull(member + ".attributeName");
    } else if (name->empty()) {
      errors->Add(ValidationErrors::Quote(*name), member + ".attributeName",
                  "Member must have length greater than or equal to 1");
    } else if (name->size() > 255) {
      errors->Add(ValidationErrors::Quote(*name), member + ".attributeName",
                  "Member must have length less than or equal to 255");
    }
    if (!type) {
      errors->AddNull(member + ".keyType");
    } else if (*type != "HASH" && *type != "RANGE") {
      errors->Add(ValidationErrors::Quote(*type), member + ".keyType",
                  "Member must satisfy enum value set: [HASH, RANGE]");
    }
    out->keys.push_back({std::string(name.value_or("")), std::string(type.value_or(""))});
    rendered.push_back(RenderKeyElement(out->keys.back()));
  }
  if (out->keys.empty()) {
    errors->Add("'[]'", path, "Member must have length greater than or equal to 1");
  }
  // The service model lifted KeySchema's max of 2 in 2025-11 for multi-attribute GSI keys; LSIs
  // (and tables) still refuse a third element as a member constraint.
  if (!global && out->keys.size() > 2) {
    errors->Add(ValidationErrors::Quote(JoinList(rendered)), path,
                "Member must have length less than or equal to 2");
  }
}

void ReadProjection(const json::Value* projection, const std::string& path,
                    ValidationErrors* errors, IndexDefinition* out) {
  if (!projection) return errors->AddNull(path);
  if (auto type = OptString(*projection, "ProjectionType")) {
    if (*type != "ALL" && *type != "KEYS_ONLY" && *type != "INCLUDE") {
      errors->Add(ValidationErrors::Quote(*type), path + ".projectionType",
                  "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]");
    }
    out->projection_type = std::string(*type);
  }
  const json::Value* non_key = OptArray(*projection, "NonKeyAttributes");
  if (!non_key) return;
  std::vector<std::string> names;
  int i = 0;
  for (const auto& v : non_key->GetArray()) {
    ++i;
    if (!v.IsString()) throw ApiError::Serialization("Expected null");
    std::string name(json::AsView(v));
    const std::string member = path + ".nonKeyAttributes." + std::to_string(i) + ".member";
    if (name.empty()) {
      errors->Add("''", member, "Member must have length greater than or equal to 1");
    } else if (name.size() > 255) {
      errors->Add(ValidationErrors::Quote(name), member,
                  "Member must have length less than or equal to 255");
    }
    names.push_back(std::move(name));
  }
  if (names.empty()) {
    errors->Add("'[]'", path + ".nonKeyAttributes",
                "Member must have length greater than or equal to 1");
  } else if (names.size() > kMaxNonKeyAttributesPerIndex) {
    errors->Add(ValidationErrors::Quote(JoinList(names)), path + ".nonKeyAttributes",
                "Member must have length less than or equal to 20");
  }
  out->non_key_attributes = std::move(names);
}

void ReadOnDemandThroughput(const json::Value* odt, IndexDefinition* out) {
  out->on_demand_throughput = odt;
  if (!odt) return;
  out->max_read_request_units = OptInt(*odt, "MaxReadRequestUnits");
  out->max_write_request_units = OptInt(*odt, "MaxWriteRequestUnits");
}

std::optional<std::string> DefinedType(const std::vector<AttributeDefinition>& definitions,
                                       const std::string& name) {
  for (const auto& d : definitions) {
    if (d.name == name) return d.type;
  }
  return std::nullopt;
}

// "Some index key attributes are not defined" for the first index (table first) with a key
// attribute missing from `definitions`.
void CheckKeysDefined(const std::vector<IndexDefinition::KeyElement>& keys,
                      const std::vector<AttributeDefinition>& definitions) {
  std::vector<std::string> key_names, def_names;
  bool missing = false;
  for (const auto& k : keys) {
    key_names.push_back(k.name);
    missing |= !DefinedType(definitions, k.name).has_value();
  }
  if (!missing) return;
  for (const auto& d : definitions) def_names.push_back(d.name);
  Invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: " +
          JoinList(key_names) + ", AttributeDefinitions: " + JoinList(def_names));
}

// The key schema rules of a GSI (multi-attribute keys: 1..4 HASH then 0..4 RANGE, no name
// twice) or of an LSI (the table's hash key then one range key).
void CheckIndexKeySchema(const IndexDefinition& index,
                         const std::vector<IndexDefinition::KeyElement>& table_keys) {
  const auto& keys = index.keys;
  if (index.global) {
    std::set<std::string> seen;
    for (const auto& k : keys) {
      // The 2026 wording (live probes on GSIs); the older "Both the Hash Key and the Range Key
      // element ..." is what dynalite recorded before multi-attribute keys.
      if (!seen.insert(k.name).second) {
        throw ApiError::Validation(
            "The KeySchema contains multiple key attributes with the same name");
      }
    }
    if (keys[0].type != "HASH") {
      throw ApiError::Validation(
          "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    }
    int hashes = 0, ranges = 0;
    for (const auto& k : keys) (k.type == "HASH" ? hashes : ranges)++;
    if (hashes > kMaxKeyAttributesPerType)
      Invalid("The KeySchema exceeds the maximum allowed number of HASH key attributes");
    if (ranges > kMaxKeyAttributesPerType)
      Invalid("The KeySchema exceeds the maximum allowed number of RANGE key attributes");
    for (size_t i = 1; i < keys.size(); ++i) {
      if (keys[i].type == "HASH" && keys[i - 1].type == "RANGE")
        Invalid("All HASH key attributes must precede RANGE key attributes in the KeySchema");
    }
    return;
  }
  // LSIs keep the pre-2025 rules and texts. Which same-name text LSIs give today is unknown
  // (spec §9.3); the historical one is kept, as for table key schemas.
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
  if (keys.size() != 2)
    Invalid("Index KeySchema does not have a range key for index: " + index.name);
  if (keys[0].name != table_keys[0].name) {
    Invalid(
        "Index KeySchema does not have the same leading hash key as table KeySchema for "
        "index: " +
        index.name + ". index hash key: " + keys[0].name +
        ", table hash key: " + table_keys[0].name);
  }
}

void CheckProjection(const IndexDefinition& index) {
  if (!index.projection_type) Invalid("Unknown ProjectionType: null");
  const std::string& type = *index.projection_type;
  if (type == "INCLUDE") {
    if (!index.non_key_attributes)
      Invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
    std::set<std::string> seen;
    for (const auto& name : *index.non_key_attributes) {
      if (!seen.insert(name).second) Invalid("Duplicate element in NonKeyAttributes: " + name);
    }
  } else if (index.non_key_attributes) {
    Invalid("ProjectionType is " + type + ", but NonKeyAttributes is specified");
  }
}

// WarmThroughput of a new GSI: not below what the index starts with anyway (12000/4000 on demand,
// its provisioned capacity otherwise). The texts are the live probe DDB-TABLE-128's for reads;
// the WriteUnitsPerSecond forms are assumed to follow them.
void CheckIndexWarmThroughput(const IndexDefinition& index, bool on_demand) {
  if (!index.warm_throughput) return;
  const std::tuple<const char*, const std::optional<int64_t>*, int64_t, const char*> limits[] = {
      {"ReadUnitsPerSecond", &index.warm_read_units,
       on_demand ? kDefaultWarmReadUnits : index.read_capacity, "ReadCapacityUnits"},
      {"WriteUnitsPerSecond", &index.warm_write_units,
       on_demand ? kDefaultWarmWriteUnits : index.write_capacity, "WriteCapacityUnits"}};
  for (const auto& [member, value, floor, capacity] : limits) {
    if (!value->has_value() || **value >= floor) continue;
    Invalid("Requested " + std::string(member) + " for WarmThroughput for index " + index.name +
            " is lower than " +
            (on_demand ? std::string("initial throughput for OnDemand")
                       : std::string(capacity) + " of ProvisionedThroughput"));
  }
}

// OnDemandThroughput of a GSI: only on PAY_PER_REQUEST tables, each limit >= 1 (-1, "no
// limit", is UpdateTable's way to clear one and is refused at creation).
void CheckIndexOnDemandThroughput(const IndexDefinition& index, bool on_demand) {
  if (!index.on_demand_throughput) return;
  const std::pair<const char*, const std::optional<int64_t>*> limits[] = {
      {"MaxReadRequestUnits", &index.max_read_request_units},
      {"MaxWriteRequestUnits", &index.max_write_request_units}};
  for (const auto& [member, value] : limits) {
    if (!value->has_value()) continue;
    if (!on_demand) {
      Invalid(std::string(member) + " for OnDemandThroughput for index: " + index.name +
              " cannot be specified when table BillingMode is PROVISIONED.");
    }
    // "index :" with a space is DynamoDB's (live probe DDB-TABLE-128).
    if (**value < 1) {
      Invalid("Requested " + std::string(member) +
              " for OnDemandThroughput for index : " + index.name + " is outside of valid range");
    }
  }
}

void CheckDuplicateNames(const std::vector<const IndexDefinition*>& all) {
  std::set<std::string> names;
  for (const IndexDefinition* index : all) {
    if (!names.insert(index->name).second) Invalid("Duplicate index name: " + index->name);
  }
}

size_t ProjectedAttributeCount(const std::optional<std::vector<std::string>>& names) {
  return names ? names->size() : 0;
}

}  // namespace

IndexDefinition ReadIndexDefinition(const json::Value& index, bool global, const std::string& path,
                                    ValidationErrors* errors) {
  if (!index.IsObject()) throw ApiError::Serialization("Expected null");
  IndexDefinition out;
  out.global = global;
  auto name = OptString(index, "IndexName");
  if (!name) {
    errors->AddNull(path + ".indexName");
  } else {
    CheckIndexName(*name, path + ".indexName", errors);
    out.name = std::string(*name);
  }
  ReadKeySchema(OptArray(index, "KeySchema"), global, path + ".keySchema", errors, &out);
  ReadProjection(OptObject(index, "Projection"), path + ".projection", errors, &out);
  if (global) {
    out.provisioned_throughput = OptObject(index, "ProvisionedThroughput");
    ReadProvisionedThroughput(out.provisioned_throughput, path + ".provisionedThroughput", errors,
                              &out.read_capacity, &out.write_capacity);
    ReadOnDemandThroughput(OptObject(index, "OnDemandThroughput"), &out);
    out.warm_throughput = OptObject(index, "WarmThroughput");
    if (out.warm_throughput) {
      out.warm_read_units = OptInt(*out.warm_throughput, "ReadUnitsPerSecond");
      out.warm_write_units = OptInt(*out.warm_throughput, "WriteUnitsPerSecond");
    }
  }
  return out;
}

std::vector<IndexDefinition> ReadIndexDefinitions(const json::Value& list, bool global,
                                                  const std::string& path,
                                                  ValidationErrors* errors) {
  std::vector<IndexDefinition> out;
  int i = 0;
  for (const auto& index : list.GetArray()) {
    ++i;
    out.push_back(
        ReadIndexDefinition(index, global, path + "." + std::to_string(i) + ".member", errors));
  }
  return out;
}

std::vector<AttributeDefinition> ReadAttributeDefinitions(const json::Value& list,
                                                          ValidationErrors* errors) {
  std::vector<AttributeDefinition> out;
  int i = 0;
  for (const auto& d : list.GetArray()) {
    ++i;
    if (!d.IsObject()) throw ApiError::Serialization("Expected null");
    const std::string path = "attributeDefinitions." + std::to_string(i) + ".member";
    auto name = OptString(d, "AttributeName");
    auto type = OptString(d, "AttributeType");
    if (!name) {
      errors->AddNull(path + ".attributeName");
    } else if (name->empty() || name->size() > 255) {
      errors->Add(ValidationErrors::Quote(*name), path + ".attributeName",
                  name->empty() ? "Member must have length greater than or equal to 1"
                                : "Member must have length less than or equal to 255");
    }
    if (!type) {
      errors->AddNull(path + ".attributeType");
    } else if (*type != "S" && *type != "N" && *type != "B") {
      errors->Add(ValidationErrors::Quote(*type), path + ".attributeType",
                  "Member must satisfy enum value set: [B, N, S]");
    }
    out.push_back({std::string(name.value_or("")), std::string(type.value_or(""))});
  }
  return out;
}

void ValidateCreateTableIndexes(const std::vector<IndexDefinition::KeyElement>& table_keys,
                                const std::vector<AttributeDefinition>& definitions, bool on_demand,
                                const std::optional<std::vector<IndexDefinition>>& locals,
                                const std::optional<std::vector<IndexDefinition>>& globals) {
  if (locals && locals->empty()) Invalid("List of LocalSecondaryIndexes is empty");
  if (globals && globals->empty()) Invalid("List of GlobalSecondaryIndexes is empty");
  std::vector<const IndexDefinition*> all;
  if (locals)
    for (const auto& index : *locals) all.push_back(&index);
  if (globals)
    for (const auto& index : *globals) all.push_back(&index);
  for (const IndexDefinition* index : all) CheckKeysDefined(index->keys, definitions);

  // Every definition must be used by some key, and this check comes before the projection,
  // throughput and name checks (live probe DDB-TABLE-127). The order of the "keys used" list
  // DynamoDB prints is not sorted and not known; here it is the order of first use.
  std::vector<std::string> used;
  auto use = [&](const std::vector<IndexDefinition::KeyElement>& keys) {
    for (const auto& k : keys) {
      if (std::find(used.begin(), used.end(), k.name) == used.end()) used.push_back(k.name);
    }
  };
  use(table_keys);
  for (const IndexDefinition* index : all) use(index->keys);
  if (used.size() != definitions.size()) {
    std::vector<std::string> def_names;
    for (const auto& d : definitions) def_names.push_back(d.name);
    Invalid("Some AttributeDefinitions are not used. AttributeDefinitions: " + JoinList(def_names) +
            ", keys used: " + JoinList(used));
  }

  if (locals) {
    if (table_keys.size() != 2) {
      Invalid(
          "Table KeySchema does not have a range key, which is required when specifying a "
          "LocalSecondaryIndex");
    }
    for (const auto& index : *locals) {
      CheckIndexKeySchema(index, table_keys);
      CheckProjection(index);
    }
    if (locals->size() > kMaxLocalIndexes)
      Invalid("Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  if (globals) {
    for (const auto& index : *globals) {
      CheckIndexKeySchema(index, table_keys);
      CheckProjection(index);
      if (on_demand && index.provisioned_throughput) {
        Invalid("ProvisionedThroughput should not be specified for index: " + index.name +
                " when BillingMode is PAY_PER_REQUEST");
      }
      if (!on_demand && !index.provisioned_throughput)
        Invalid("ProvisionedThroughput is not specified for index: " + index.name);
      CheckIndexOnDemandThroughput(index, on_demand);
      CheckIndexWarmThroughput(index, on_demand);
    }
  }
  CheckDuplicateNames(all);
  if (globals && globals->size() > kMaxGlobalIndexes)
    Invalid("GlobalSecondaryIndex count exceeds the per-table limit of 20");
  size_t projected = 0;
  for (const IndexDefinition* index : all)
    projected += ProjectedAttributeCount(index->non_key_attributes);
  // ⚠ The text is unverified (a CloudFormation linter rule's); the prefix is assumed.
  if (projected > kMaxProjectedAttributes)
    Invalid("Number of projected attributes in all indexes exceeds limit of 100");
}

void ValidateCreateGlobalIndex(const IndexDefinition& index, const storage::TableMeta& table,
                               const std::vector<AttributeDefinition>& definitions,
                               std::string_view billing_mode) {
  std::vector<IndexDefinition::KeyElement> table_keys = {{table.key_schema.hash_name, "HASH"}};
  if (table.key_schema.has_range()) table_keys.push_back({table.key_schema.range_name, "RANGE"});
  // Every key attribute of the new index needs a definition in this request, even one the
  // table already defines (live probe DDB-TABLE-162).
  for (const auto& k : index.keys) {
    if (!DefinedType(definitions, k.name))
      Invalid("AttributeDefinitions is not specified for index: " + index.name);
  }
  for (const auto& k : index.keys) {
    const std::string requested = *DefinedType(definitions, k.name);
    for (const auto& [name, type] : table.attribute_definitions) {
      if (name != k.name || model::AvTypeName(type) == requested) continue;
      // DynamoDB prints the schemas in this form (ScyllaDB's test quotes it for a one-element
      // key); how it prints several elements is not known, so only the conflicting one is.
      Invalid(
          "Attributes cannot be redefined. Please check that your attribute has the same type "
          "as previously defined. Existing schema: Schema:[SchemaElement: key{" +
          name + ":" + model::AvTypeName(type) + ":" + k.type +
          "}] New schema: Schema:[SchemaElement: key{" + name + ":" + requested + ":" + k.type +
          "}]");
    }
  }
  CheckIndexKeySchema(index, table_keys);
  CheckProjection(index);
  const bool on_demand = billing_mode == "PAY_PER_REQUEST";
  if (on_demand && index.provisioned_throughput) {
    Invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: " +
            index.name + " when BillingMode is PAY_PER_REQUEST");
  }
  if (!on_demand && !index.provisioned_throughput) {
    Invalid("Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: " +
            index.name);
  }
  CheckIndexOnDemandThroughput(index, on_demand);
  CheckIndexWarmThroughput(index, on_demand);
}

void CheckProjectedAttributeTotal(const std::vector<storage::IndexMeta>& indexes) {
  size_t projected = 0;
  for (const auto& index : indexes) projected += index.non_key_attributes.size();
  if (projected > kMaxProjectedAttributes)
    Invalid("Number of projected attributes in all indexes exceeds limit of 100");
}

std::pair<int64_t, int64_t> WarmThroughputOf(const storage::TableMeta& table,
                                             const storage::IndexMeta& index) {
  const bool on_demand = table.billing_mode == "PAY_PER_REQUEST";
  return {
      std::max(index.warm_read_units, on_demand ? kDefaultWarmReadUnits : index.read_capacity),
      std::max(index.warm_write_units, on_demand ? kDefaultWarmWriteUnits : index.write_capacity)};
}

storage::IndexMeta ToIndexMeta(const IndexDefinition& index,
                               const std::vector<std::pair<std::string, model::AvType>>& types,
                               bool on_demand) {
  storage::IndexMeta meta;
  meta.name = index.name;
  meta.global = index.global;
  for (const auto& k : index.keys) {
    storage::IndexKeyAttribute attribute{k.name, model::AvType::kS};
    for (const auto& [name, type] : types) {
      if (name == k.name) attribute.type = type;
    }
    (k.type == "HASH" ? meta.hash : meta.range).push_back(std::move(attribute));
  }
  const std::string& projection = *index.projection_type;
  meta.projection = projection == "ALL"         ? storage::IndexMeta::Projection::kAll
                    : projection == "KEYS_ONLY" ? storage::IndexMeta::Projection::kKeysOnly
                                                : storage::IndexMeta::Projection::kInclude;
  if (index.non_key_attributes) meta.non_key_attributes = *index.non_key_attributes;
  if (index.global && !on_demand) {
    meta.read_capacity = index.read_capacity;
    meta.write_capacity = index.write_capacity;
  }
  if (index.global && on_demand) {
    meta.max_read_request_units = index.max_read_request_units.value_or(0);
    meta.max_write_request_units = index.max_write_request_units.value_or(0);
  }
  if (index.global) {
    // A high-water mark: WarmThroughput never decreases, not even with the capacity.
    meta.warm_read_units = std::max(index.warm_read_units.value_or(0), meta.read_capacity);
    meta.warm_write_units = std::max(index.warm_write_units.value_or(0), meta.write_capacity);
  }
  return meta;
}

std::vector<IndexDefinition::KeyElement> IndexKeyElements(const storage::IndexMeta& index) {
  std::vector<IndexDefinition::KeyElement> keys;
  for (const auto& k : index.hash) keys.push_back({k.name, "HASH"});
  for (const auto& k : index.range) keys.push_back({k.name, "RANGE"});
  return keys;
}

}  // namespace tideline::api
