#include "export/export_record.h"

#include "json/json.h"
#include "json/member_fields.h"

namespace tideline::exporter {

namespace {

using StrField = json::MemberField<ExportRecord, std::string>;
constexpr StrField kStrFields[] = {
    {"export_arn", &ExportRecord::export_arn},
    {"export_id", &ExportRecord::export_id},
    {"status", &ExportRecord::status},
    {"table_name", &ExportRecord::table_name},
    {"table_arn", &ExportRecord::table_arn},
    {"table_id", &ExportRecord::table_id},
    {"client_token", &ExportRecord::client_token},
    {"s3_bucket", &ExportRecord::s3_bucket},
    {"s3_bucket_owner", &ExportRecord::s3_bucket_owner},
    {"s3_prefix", &ExportRecord::s3_prefix},
    {"s3_sse_algorithm", &ExportRecord::s3_sse_algorithm},
    {"s3_sse_kms_key_id", &ExportRecord::s3_sse_kms_key_id},
    {"export_format", &ExportRecord::export_format},
    {"export_type", &ExportRecord::export_type},
    {"failure_code", &ExportRecord::failure_code},
    {"failure_message", &ExportRecord::failure_message},
    {"export_manifest", &ExportRecord::export_manifest},
};

using IntField = json::MemberField<ExportRecord, int64_t>;
constexpr IntField kIntFields[] = {
    {"start_time_ms", &ExportRecord::start_time_ms},
    {"end_time_ms", &ExportRecord::end_time_ms},
};

using UintField = json::MemberField<ExportRecord, uint64_t>;
constexpr UintField kUintFields[] = {
    {"table_internal_id", &ExportRecord::table_internal_id},
    {"export_time_us", &ExportRecord::export_time_us},
    {"item_count", &ExportRecord::item_count},
    {"billed_size_bytes", &ExportRecord::billed_size_bytes},
    {"data_file_count", &ExportRecord::data_file_count},
};

// Fields added with incremental exports: absent from records written before them.
constexpr UintField kOptionalUintFields[] = {
    {"export_from_time_us", &ExportRecord::export_from_time_us},
    {"export_to_time_us", &ExportRecord::export_to_time_us},
};
constexpr StrField kOptionalStrFields[] = {
    {"export_view_type", &ExportRecord::export_view_type},
};

}  // namespace

std::string ExportRecord::Fingerprint() const {
  // AWS answers ExportConflictException when a token comes back with another table, bucket,
  // owner, prefix, encryption or format (spec §5, ClientToken mismatch).
  std::string f;
  for (const std::string* s :
       {&table_arn, &s3_bucket, &s3_bucket_owner, &s3_prefix, &s3_sse_algorithm, &s3_sse_kms_key_id,
        &export_format, &export_type}) {
    f += std::to_string(s->size()) + ":" + *s + ";";
  }
  f += has_s3_prefix ? "p" : "-";
  if (incremental()) {
    f += ";" + std::to_string(export_from_time_us) + ";" + std::to_string(export_to_time_us) + ";" +
         export_view_type;
  }
  return f;
}

std::string SerializeExportRecord(const ExportRecord& r) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  json::WriteMembers(w, r, kStrFields);
  json::WriteMembers(w, r, kIntFields);
  json::WriteMembers(w, r, kUintFields);
  json::WriteMembers(w, r, kOptionalUintFields);
  json::WriteMembers(w, r, kOptionalStrFields);
  w.Key("has_s3_prefix");
  w.Bool(r.has_s3_prefix);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool ParseExportRecord(std::string_view text, ExportRecord* r) {
  json::Document doc;
  if (!json::Parse(text, &doc, nullptr) || !doc.IsObject()) return false;
  if (!json::ReadMembers(doc, r, kStrFields)) return false;
  if (!json::ReadMembers(doc, r, kIntFields)) return false;
  if (!json::ReadMembers(doc, r, kUintFields)) return false;
  json::ReadMembers(doc, r, kOptionalUintFields, /*optional=*/true);
  json::ReadMembers(doc, r, kOptionalStrFields, /*optional=*/true);
  const json::Value* p = json::Find(doc, "has_s3_prefix");
  r->has_s3_prefix = p && p->IsBool() && p->GetBool();
  return true;
}

}  // namespace tideline::exporter
