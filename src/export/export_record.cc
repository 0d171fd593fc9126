#include "export/export_record.h"

#include "json/json.h"

namespace tideline::exporter {

namespace {

struct StrField {
  const char* name;
  std::string ExportRecord::*member;
};
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

struct IntField {
  const char* name;
  int64_t ExportRecord::*member;
};
constexpr IntField kIntFields[] = {
    {"start_time_ms", &ExportRecord::start_time_ms},
    {"end_time_ms", &ExportRecord::end_time_ms},
};

struct UintField {
  const char* name;
  uint64_t ExportRecord::*member;
};
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
  for (const auto& f : kOptionalUintFields) {
    w.Key(f.name);
    w.Uint64(r.*f.member);
  }
  for (const auto& f : kOptionalStrFields) {
    w.Key(f.name);
    json::WriteString(w, r.*f.member);
  }
  w.Key("has_s3_prefix");
  w.Bool(r.has_s3_prefix);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool ParseExportRecord(std::string_view text, ExportRecord* r) {
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
  for (const auto& f : kOptionalUintFields) {
    const json::Value* v = json::Find(doc, f.name);
    if (v && v->IsUint64()) r->*f.member = v->GetUint64();
  }
  for (const auto& f : kOptionalStrFields) {
    const json::Value* v = json::Find(doc, f.name);
    if (v && v->IsString()) r->*f.member = std::string(json::AsView(*v));
  }
  const json::Value* p = json::Find(doc, "has_s3_prefix");
  r->has_s3_prefix = p && p->IsBool() && p->GetBool();
  return true;
}

}  // namespace tideline::exporter
