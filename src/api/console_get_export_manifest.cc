// GetExportManifest (the console's, read-only): a COMPLETED export's manifests, read back from
// its destination (the local directory standing for S3, or the S3 endpoint):
// {"ManifestSummary": <manifest-summary.json>, "ManifestFiles": [<each line of
// manifest-files.json>]}. ValidationException for an export without manifests (IN_PROGRESS or
// FAILED) and when they cannot be read (the detail, which may name local paths, is logged).

#include <spdlog/spdlog.h>

#include <memory>

#include "api/console_export_lookup.h"
#include "api/console_operations.h"
#include "api/export_destination.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "export/names.h"
#include "import/object_source.h"

namespace tideline::api {

namespace {

// Manifests are small (manifest-files.json has one line per data file, at most 4096 files).
constexpr size_t kMaxManifestBytes = 8 << 20;

Status ReadObject(importer::ObjectSource& source, const exporter::ExportRecord& record,
                  const std::string& key, std::string* out) {
  std::vector<importer::SourceObject> objects;
  Status s = source.List(record.s3_bucket, key, record.s3_bucket_owner, &objects);
  if (!s.ok()) return s;
  for (const importer::SourceObject& object : objects) {
    if (object.key != key) continue;
    if (object.size > kMaxManifestBytes) return Status::InvalidArgument(key + " is too large");
    return source.Read(record.s3_bucket, object, record.s3_bucket_owner,
                       [out](std::string_view piece) {
                         out->append(piece);
                         return out->size() <= kMaxManifestBytes;
                       });
  }
  return Status::NotFound(key + " not found");
}

// Writes `text` (one JSON object) as a member value, or returns false if it is none.
bool WriteJsonObject(json::Writer& w, std::string_view text) {
  json::Document doc;
  if (!json::Parse(text, &doc, nullptr) || !doc.IsObject()) return false;
  WriteRawObject(w, text);
  return true;
}

}  // namespace

std::string ExecuteGetExportManifest(Context& ctx, const json::Value& req) {
  const exporter::ExportRecord record = FindConsoleExport(ctx, req);
  if (record.status != "COMPLETED" || record.export_manifest.empty()) {
    throw ApiError::Validation("The export has no manifest: it is " + record.status);
  }
  const std::string prefix = exporter::ExportPrefix(record.s3_prefix, record.export_id);
  auto source = NewExportDestinationSource(ctx.config);
  std::string summary, files;
  Status s = ReadObject(*source, record, record.export_manifest, &summary);
  if (s.ok()) s = ReadObject(*source, record, prefix + "/manifest-files.json", &files);
  ResponseBody response;
  json::Writer& w = response.writer();
  bool ok = s.ok();
  if (ok) {
    w.Key("ManifestSummary");
    ok = WriteJsonObject(w, summary);
  }
  if (ok) {
    w.Key("ManifestFiles");
    w.StartArray();
    for (size_t start = 0; ok && start < files.size();) {
      size_t end = files.find('\n', start);
      if (end == std::string::npos) end = files.size();
      if (end > start) ok = WriteJsonObject(w, std::string_view(files).substr(start, end - start));
      start = end + 1;
    }
    w.EndArray();
  }
  if (!ok) {
    spdlog::warn("console: cannot read the manifests of export {}: {}", record.export_arn,
                 s.ok() ? "not JSON" : s.ToString());
    throw ApiError::Validation("The export's manifests could not be read from its destination");
  }
  return response.Finish();
}

}  // namespace tideline::api
