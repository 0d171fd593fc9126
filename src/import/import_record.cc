#include "import/import_record.h"

#include "json/json.h"
#include "json/member_fields.h"

namespace tideline::importer {

namespace {

using StrField = json::MemberField<ImportRecord, std::string>;
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

using IntField = json::MemberField<ImportRecord, int64_t>;
constexpr IntField kIntFields[] = {
    {"start_time_ms", &ImportRecord::start_time_ms},
    {"end_time_ms", &ImportRecord::end_time_ms},
};

using UintField = json::MemberField<ImportRecord, uint64_t>;
constexpr UintField kUintFields[] = {
    {"table_internal_id", &ImportRecord::table_internal_id},
    {"processed_size_bytes", &ImportRecord::processed_size_bytes},
    {"processed_item_count", &ImportRecord::processed_item_count},
    {"imported_item_count", &ImportRecord::imported_item_count},
    {"error_count", &ImportRecord::error_count},
};

using BoolField = json::MemberField<ImportRecord, bool>;
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
  json::WriteMembers(w, r, kStrFields);
  json::WriteMembers(w, r, kIntFields);
  json::WriteMembers(w, r, kUintFields);
  json::WriteMembers(w, r, kBoolFields);
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
  if (!json::ReadMembers(doc, r, kStrFields)) return false;
  if (!json::ReadMembers(doc, r, kIntFields)) return false;
  if (!json::ReadMembers(doc, r, kUintFields)) return false;
  if (!json::ReadMembers(doc, r, kBoolFields)) return false;
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
