// Tags: ReadTags plus the TagResource, UntagResource and ListTagsOfResource operations.

#include "api/tags.h"

#include "api/operations.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::vector<std::pair<std::string, std::string>> ReadTags(const json::Value& tags,
                                                          ValidationErrors* errors) {
  std::vector<std::pair<std::string, std::string>> out;
  int i = 0;
  for (const auto& t : tags.GetArray()) {
    ++i;
    if (!t.IsObject()) throw ApiError::Serialization("Expected null");
    const std::string path = "tags." + std::to_string(i) + ".member";
    auto k = OptString(t, "Key");
    auto v = OptString(t, "Value");
    if (!k) errors->AddNull(path + ".key");
    else if (k->empty() || k->size() > 128)
      errors->Add(ValidationErrors::Quote(*k), path + ".key",
                  k->empty() ? "Member must have length greater than or equal to 1"
                             : "Member must have length less than or equal to 128");
    if (!v) errors->AddNull(path + ".value");
    else if (v->size() > 256)
      errors->Add(ValidationErrors::Quote(*v), path + ".value",
                  "Member must have length less than or equal to 256");
    out.emplace_back(std::string(k.value_or("")), std::string(v.value_or("")));
  }
  return out;
}

namespace {

std::shared_ptr<const storage::TableMeta> TableOfArn(Context& ctx, std::optional<std::string_view> arn) {
  ValidationErrors errors;
  if (!arn) errors.AddNull("resourceArn");
  else if (arn->empty() || arn->size() > 1283)
    errors.Add(ValidationErrors::Quote(*arn), "resourceArn",
               arn->empty() ? "Member must have length greater than or equal to 1"
                            : "Member must have length less than or equal to 1283");
  errors.ThrowIfAny();
  if (arn->substr(0, 4) != "arn:") throw ApiError::Validation("Invalid TableArn: Invalid ResourceArn provided as input " + std::string(*arn));
  std::string name = TableNameFromNameOrArn(ctx.config, *arn);
  auto table = name.empty() ? nullptr : ctx.storage.FindTable(name);
  if (!table) {
    throw ApiError::ResourceNotFound("Requested resource not found: ResourceArn: " +
                                     std::string(*arn) + " not found");
  }
  return table;
}

}  // namespace

std::string ExecuteTagResource(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "ResourceArn");
  const json::Value* tags = OptArray(req, "Tags");
  ValidationErrors errors;
  std::vector<std::pair<std::string, std::string>> new_tags;
  if (!tags) errors.AddNull("tags");
  else new_tags = ReadTags(*tags, &errors);
  errors.ThrowIfAny();
  auto table = TableOfArn(ctx, arn);
  storage::TableMeta meta = *table;
  for (auto& [k, v] : new_tags) {
    bool replaced = false;
    for (auto& existing : meta.tags) {
      if (existing.first == k) {
        existing.second = v;
        replaced = true;
      }
    }
    if (!replaced) meta.tags.emplace_back(k, v);
  }
  if (meta.tags.size() > 50) {
    throw ApiError::Validation("One or more parameter values were invalid: The number of tags exceeds the limit of 50");
  }
  Status s = ctx.storage.UpdateTable(meta);
  if (!s.ok()) throw ApiError::ResourceNotFound("Requested resource not found");
  return "{}";
}

std::string ExecuteUntagResource(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "ResourceArn");
  const json::Value* keys = OptArray(req, "TagKeys");
  ValidationErrors errors;
  if (!keys) errors.AddNull("tagKeys");
  errors.ThrowIfAny();
  auto table = TableOfArn(ctx, arn);
  storage::TableMeta meta = *table;
  for (const auto& k : keys->GetArray()) {
    if (!k.IsString()) throw ApiError::Serialization("Unexpected token in tag keys");
    std::string_view key = json::AsView(k);
    std::erase_if(meta.tags, [&](const auto& t) { return t.first == key; });
  }
  Status s = ctx.storage.UpdateTable(meta);
  if (!s.ok()) throw ApiError::ResourceNotFound("Requested resource not found");
  return "{}";
}

std::string ExecuteListTagsOfResource(Context& ctx, const json::Value& req) {
  auto table = TableOfArn(ctx, OptString(req, "ResourceArn"));
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("Tags");
  w.StartArray();
  for (const auto& [k, v] : table->tags) {
    w.StartObject();
    w.Key("Key");
    json::WriteString(w, k);
    w.Key("Value");
    json::WriteString(w, v);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Finish(buf);
}

}  // namespace tideline::api
