#include "import/import_record.h"

#include "json/json.h"

namespace tideline::importer {

namespace {

struct StrField {
  const char* name;
  std::string ImportRecord::*member;
};
constexpr StrField kStrFields[] = {
    {"import_arn", &ImportRecord::import_arn},
    {"import_id", &ImportRecord::import_id},
    {"status", &ImportRecord::status},
    {"table_name", &ImportRecord::table_name},
    {"table_arn", &ImportRecord::table_arn},
    {"table_id", &ImportRecord::table_id},
    {"client_token", &ImportRecord::client_token},
    {"s3_bucket", &ImportRecord::s3_bucket},
    {"s3_bucket_owner", &ImportRecord::s3_bucket_owner},
    {"s3_key_prefix", &ImportRecord::s3_key_prefix},
    {"input_format", &ImportRecord::input_format},
    {"input_compression_type", &ImportRecord::input_compression_type},
    {"csv_delimiter", &ImportRecord::csv_delimiter},
    {"table_creation_parameters_json", &ImportRecord::table_creation_parameters_json},
    {"table_meta_json", &ImportRecord::table_meta_json},
    {"failure_code", &ImportRecord::failure_code},
    {"failure_message", &ImportRecord::failure_message},
    {"outcome", &ImportRecord::outcome},
};

struct IntField {
  const char* name;
  int64_t ImportRecord::*member;
};
constexpr IntField kIntFields[] = {
    {"start_time_ms", &ImportRecord::start_time_ms},
    {"end_time_ms", &ImportRecord::end_time_ms},
};

struct UintField {
  const char* name;
  uint64_t ImportRecord::*member;
};
constexpr UintField kUintFields[] = {
    {"table_internal_id", &ImportRecord::table_internal_id},
    {"processed_size_bytes", &ImportRecord::processed_size_bytes},
    {"processed_item_count", &ImportRecord::processed_item_count},
    {"imported_item_count", &ImportRecord::imported_item_count},
    {"error_count", &ImportRecord::error_count},
};

struct BoolField {
  const char* name;
  bool ImportRecord::*member;
};
constexpr BoolField kBoolFields[] = {
    {"has_s3_key_prefix", &ImportRecord::has_s3_key_prefix},
    {"has_csv_options", &ImportRecord::has_csv_options},
    {"has_csv_header_list", &ImportRecord::has_csv_header_list},
    {"loaded", &ImportRecord::loaded},
};

}  // namespace

std::string SerializeImportRecord(const ImportRecord& r) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  for (const auto& f : kStrFields) {
    w.Key(f.name);
    json::WriteString(w, r.*f.member);
  }
  for (const auto& f : kIntFields) {
    w.Key(f.name);
    w.Int64(r.*f.member);
  }
  for (const auto& f : kUintFields) {
    w.Key(f.name);
    w.Uint64(r.*f.member);
  }
  for (const auto& f : kBoolFields) {
    w.Key(f.name);
    w.Bool(r.*f.member);
  }
  w.Key("csv_header_list");
  w.StartArray();
  for (const auto& h : r.csv_header_list) json::WriteString(w, h);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool ParseImportRecord(std::string_view text, ImportRecord* r) {
  json::Document doc;
  if (!json::Parse(text, &doc, nullptr) || !doc.IsObject()) return false;
  for (const auto& f : kStrFields) {
    const json::Value* v = json::Find(doc, f.name);
    if (!v || !v->IsString()) return false;
    r->*f.member = std::string(json::AsView(*v));
  }
  for (const auto& f : kIntFields) {
    const json::Value* v = json::Find(doc, f.name);
    if (!v || !v->IsInt64()) return false;
    r->*f.member = v->GetInt64();
  }
  for (const auto& f : kUintFields) {
    const json::Value* v = json::Find(doc, f.name);
    if (!v || !v->IsUint64()) return false;
    r->*f.member = v->GetUint64();
  }
  for (const auto& f : kBoolFields) {
    const json::Value* v = json::Find(doc, f.name);
    if (!v || !v->IsBool()) return false;
    r->*f.member = v->GetBool();
  }
  const json::Value* headers = json::Find(doc, "csv_header_list");
  if (!headers || !headers->IsArray()) return false;
  r->csv_header_list.clear();
  for (const auto& h : headers->GetArray()) {
    if (!h.IsString()) return false;
    r->csv_header_list.emplace_back(json::AsView(h));
  }
  return true;
}

}  // namespace tideline::importer
