// Tags: ReadTags plus the TagResource, UntagResource and ListTagsOfResource operations.

#include "api/tags.h"

#include <cctype>

#include "api/operations.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

// Length in characters (code points), as DynamoDB counts a tag's length; the request's JSON was
// validated as UTF-8, so every byte that is not a continuation byte starts a character.
size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Decodes the code point at s[*i] and advances *i (valid UTF-8 assumed, see CharCount).
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[(*i)++]);
  if (c < 0x80) return c;
  const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
  uint32_t cp = c & (0x3F >> extra);
  for (int k = 0; k < extra && *i < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[(*i)++]) & 0x3F);
  }
  return cp;
}

// AWS's tag alphabet: letters, digits and white space of any script, and _ . : / = + - @.
// ASCII is checked exactly; beyond it only control characters (C1) are refused, since telling
// a letter from a symbol there needs Unicode's tables, and scripts are what tags use.
bool ValidTagChar(uint32_t cp) {
  if (cp >= 0x80) return cp >= 0xA0;
  return std::isalnum(static_cast<int>(cp)) || std::isspace(static_cast<int>(cp)) || cp == '_' ||
         cp == '.' || cp == ':' || cp == '/' || cp == '=' || cp == '+' || cp == '-' || cp == '@';
}

bool ValidTagText(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (!ValidTagChar(NextCodePoint(s, &i))) return false;
  }
  return true;
}

}  // namespace

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
    // A missing key or value gets DynamoDB's tag texts, key first ("The Tag Key provided is
    // invalid, Key: null" for Tags=[{}], recorded from AWS).
    if (!k) throw ApiError::Validation("The Tag Key provided is invalid, Key: null");
    if (!v) throw ApiError::Validation("The Tag Value provided is invalid, Value: null");
    const size_t key_chars = CharCount(*k), value_chars = CharCount(*v);
    if (key_chars == 0 || key_chars > 128)
      errors->Add(ValidationErrors::Quote(*k), path + ".key",
                  key_chars == 0 ? "Member must have length greater than or equal to 1"
                                 : "Member must have length less than or equal to 128");
    if (value_chars > 256)
      errors->Add(ValidationErrors::Quote(*v), path + ".value",
                  "Member must have length less than or equal to 256");
    out.emplace_back(std::string(*k), std::string(*v));
  }
  errors->ThrowIfAny();
  // Characters outside the tag alphabet. AWS's exact wording here is not recorded; this
  // follows its texts for a missing key or value.
  for (const auto& [k, v] : out) {
    if (!ValidTagText(k)) throw ApiError::Validation("The Tag Key provided is invalid, Key: " + k);
    if (!ValidTagText(v)) {
      throw ApiError::Validation("The Tag Value provided is invalid, Value: " + v);
    }
  }
  CheckTagCount(out.size());
  return out;
}

void CheckTagCount(size_t count) {
  if (count > 50) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: The number of tags exceeds the limit of 50");
  }
}

namespace {

// The table a ResourceArn names. A well-formed ARN that names no table is
// ResourceNotFoundException for TagResource and UntagResource (ScyllaDB's
// test_tag_resource_subtly_incorrect_arn, run against AWS), but AccessDeniedException for
// ListTagsOfResource (`list_tags`), which DynamoDB authorizes against the resource before
// looking it up (test_tags.py test_list_tags_of_unknown_table). AWS names the calling IAM
// identity there; without credentials Tideline has none, so it names the account's root, as
// DescribeExport does.
std::shared_ptr<const storage::TableMeta> TableOfArn(Context& ctx,
                                                     std::optional<std::string_view> arn,
                                                     bool list_tags = false) {
  ValidationErrors errors;
  if (!arn)
    errors.AddNull("resourceArn");
  else if (arn->empty() || arn->size() > 1283)
    errors.Add(ValidationErrors::Quote(*arn), "resourceArn",
               arn->empty() ? "Member must have length greater than or equal to 1"
                            : "Member must have length less than or equal to 1283");
  errors.ThrowIfAny();
  // Recorded from AWS for a bare table name given as ResourceArn.
  if (arn->substr(0, 4) != "arn:") {
    throw ApiError::Validation(
        "One or more parameter values were invalid: ARNs must start with 'arn:': " +
        std::string(*arn));
  }
  std::string name = TableNameFromNameOrArn(ctx.config, *arn);
  auto table = name.empty() ? nullptr : ctx.storage.FindTable(name);
  if (!table && list_tags) {
    throw ApiError::AccessDenied("User: arn:aws:iam::" + ctx.config.account_id +
                                 ":root is not authorized to perform: "
                                 "dynamodb:ListTagsOfResource on resource: " +
                                 std::string(*arn));
  }
  if (!table) {
    throw ApiError::ResourceNotFound(
        "Requested resource not found: ResourceArn: " + std::string(*arn) + " not found");
  }
  return table;
}

}  // namespace

std::string ExecuteTagResource(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "ResourceArn");
  const json::Value* tags = OptArray(req, "Tags");
  ValidationErrors errors;
  std::vector<std::pair<std::string, std::string>> new_tags;
  if (!tags)
    errors.AddNull("tags");
  else
    new_tags = ReadTags(*tags, &errors);
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
  CheckTagCount(meta.tags.size());
  Status s = ctx.storage.UpdateTable(meta);
  if (!s.ok()) throw ApiError::ResourceNotFound("Requested resource not found");
  // An empty body, as DynamoDB answers (test_tags.py test_tag_and_untag_answer_an_empty_body).
  return "";
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
  // An empty body, as DynamoDB answers (test_tags.py test_tag_and_untag_answer_an_empty_body).
  return "";
}

std::string ExecuteListTagsOfResource(Context& ctx, const json::Value& req) {
  auto table = TableOfArn(ctx, OptString(req, "ResourceArn"), /*list_tags=*/true);
  ResponseBody response;
  json::Writer& w = response.writer();
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
  return response.Finish();
}

}  // namespace tideline::api
