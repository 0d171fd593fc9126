// ImportTable: validates the request (the source, the format, and TableCreationParameters with
// CreateTable's rules: table_definition.h), then creates the table CREATING and answers
// IN_PROGRESS at once; the import runs in the background (src/import/import_service.h).

#include <algorithm>

#include "api/import_description.h"
#include "api/import_errors.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/status_error.h"
#include "api/table_definition.h"
#include "common/api_error.h"
#include "common/clock.h"
#include "export/names.h"
#include "import/import_service.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

constexpr const char* kBucketPattern = "^[a-z0-9A-Z]+[\\.\\-\\w]*[a-z0-9A-Z]+$";

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$, matched in linear time.
bool MatchesBucketPattern(std::string_view s) {
  if (s.size() < 2 || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool IsAccountId(std::string_view s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// CsvHeader's pattern in the service model: [\x20-\x21\x23-\x2B\x2D-\x7E]* (printable ASCII
// without '"' and ',').
bool IsCsvHeader(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7E && c != '"' && c != ','; });
}

void CheckEnum(ValidationErrors* errors, std::string_view path, std::optional<std::string_view> v,
               std::initializer_list<std::string_view> values, const char* set) {
  if (!v) return;
  if (std::find(values.begin(), values.end(), *v) != values.end()) return;
  errors->Add(ValidationErrors::Quote(*v), path,
              std::string("Member must satisfy enum value set: ") + set);
}

std::string Compact(const json::Value& v) {
  json::Buffer buf;
  json::Writer w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

std::string ExecuteImportTable(Context& ctx, const json::Value& req) {
  auto client_token = OptString(req, "ClientToken");
  const json::Value* source = OptObject(req, "S3BucketSource");
  auto format = OptString(req, "InputFormat");
  const json::Value* format_options = OptObject(req, "InputFormatOptions");
  auto compression = OptString(req, "InputCompressionType");
  const json::Value* params = OptObject(req, "TableCreationParameters");

  ValidationErrors errors;
  // The model marks ClientToken optional, but DynamoDB refuses a request without one (SDKs
  // always fill it: it is an idempotency token). Observed by ScyllaDB's test_import.py.
  if (!client_token) {
    errors.AddNull("clientToken");
  } else if (client_token->empty() || client_token->find('$') != std::string_view::npos) {
    errors.Add(ValidationErrors::Quote(*client_token), "clientToken",
               "Member must satisfy regular expression pattern: ^[^\\$]+$");
  }
  std::optional<std::string_view> bucket, owner, prefix;
  if (!source) {
    errors.AddNull("s3BucketSource");
  } else {
    bucket = OptString(*source, "S3Bucket");
    owner = OptString(*source, "S3BucketOwner");
    prefix = OptString(*source, "S3KeyPrefix");
    if (!bucket) {
      errors.AddNull("s3BucketSource.s3Bucket");
    } else if (bucket->size() > 255) {
      errors.Add(ValidationErrors::Quote(*bucket), "s3BucketSource.s3Bucket",
                 "Member must have length less than or equal to 255");
    } else if (!MatchesBucketPattern(*bucket)) {
      errors.Add(ValidationErrors::Quote(*bucket), "s3BucketSource.s3Bucket",
                 std::string("Member must satisfy regular expression pattern: ") + kBucketPattern);
    }
    if (owner && !IsAccountId(*owner))
      errors.Add(ValidationErrors::Quote(*owner), "s3BucketSource.s3BucketOwner",
                 "Member must satisfy regular expression pattern: [0-9]{12}");
    if (prefix && prefix->size() > 1024)
      errors.Add(ValidationErrors::Quote(*prefix), "s3BucketSource.s3KeyPrefix",
                 "Member must have length less than or equal to 1024");
  }
  if (!format) errors.AddNull("inputFormat");
  CheckEnum(&errors, "inputFormat", format, {"DYNAMODB_JSON", "ION", "CSV"},
            "[DYNAMODB_JSON, ION, CSV]");
  CheckEnum(&errors, "inputCompressionType", compression, {"GZIP", "ZSTD", "NONE"},
            "[GZIP, ZSTD, NONE]");
  std::optional<std::string_view> delimiter;
  const json::Value* header_list = nullptr;
  const json::Value* csv = format_options ? OptObject(*format_options, "Csv") : nullptr;
  if (csv) {
    delimiter = OptString(*csv, "Delimiter");
    header_list = OptArray(*csv, "HeaderList");
    if (delimiter && (delimiter->size() != 1 ||
                      std::string_view(",;:|\t ").find((*delimiter)[0]) == std::string_view::npos))
      errors.Add(ValidationErrors::Quote(*delimiter), "inputFormatOptions.csv.delimiter",
                 "Member must satisfy regular expression pattern: [,;:|\\t ]");
    if (header_list) {
      const size_t n = header_list->GetArray().Size();
      if (n < 1 || n > 255)
        errors.Add("'" + Compact(*header_list) + "'", "inputFormatOptions.csv.headerList",
                   n < 1 ? "Member must have length greater than or equal to 1"
                         : "Member must have length less than or equal to 255");
      for (const auto& h : header_list->GetArray()) {
        if (!h.IsString()) throw ApiError::Serialization("Unexpected value type in payload");
        const std::string_view header = json::AsView(h);
        if (header.empty() || header.size() > 65536 || !IsCsvHeader(header)) {
          errors.Add(ValidationErrors::Quote(header), "inputFormatOptions.csv.headerList.member",
                     "Member must satisfy regular expression pattern: "
                     "[\\x20-\\x21\\x23-\\x2B\\x2D-\\x7E]*");
        }
      }
    }
  }
  TableDefinition def;
  if (!params) {
    errors.AddNull("tableCreationParameters");
  } else {
    def =
        ReadTableDefinition(*params, "tableCreationParameters.", /*local_indexes=*/false, &errors);
  }
  errors.ThrowIfAny();

  // AWS refuses CSV options with another format (ScyllaDB's test_import.py); its exact message
  // is not known.
  if (format_options && *format != "CSV") {
    throw ApiError::Validation(
        "One or more parameter values were invalid: InputFormatOptions can only be specified "
        "when InputFormat is CSV");
  }
  CheckBillingRules(def);
  storage::TableMeta meta = BuildTableMeta(def);
  if (!ctx.imports) throw ApiError::Internal("the import service is not running");

  importer::ImportRecord record;
  record.start_time_ms = NowMillis();
  record.import_id = exporter::NewExportId(record.start_time_ms);
  record.table_name = meta.name;
  record.table_arn = TableArn(ctx.config, meta.name);
  record.import_arn = record.table_arn + "/import/" + record.import_id;
  record.table_id = meta.table_uuid;
  record.client_token = std::string(*client_token);
  record.s3_bucket = std::string(*bucket);
  record.s3_bucket_owner = std::string(owner.value_or(""));
  record.has_s3_key_prefix = prefix.has_value();
  record.s3_key_prefix = std::string(prefix.value_or(""));
  record.input_format = std::string(*format);
  record.input_compression_type = std::string(compression.value_or("NONE"));
  record.has_csv_options = format_options != nullptr;
  record.csv_delimiter = std::string(delimiter.value_or(""));
  record.has_csv_header_list = header_list != nullptr;
  if (header_list) {
    for (const auto& h : header_list->GetArray())
      record.csv_header_list.emplace_back(json::AsView(h));
  }
  record.table_creation_parameters_json = Compact(*params);

  // A replay of a running import is answered before the quota check (it creates nothing).
  importer::ImportRecord result;
  Status error;
  if (!ctx.storage.FindTable(meta.name)) CheckTableQuota(ctx);
  switch (ctx.imports->Submit(record, std::move(meta), &result, &error)) {
    case importer::SubmitResult::kCreated:
    case importer::SubmitResult::kReplayed:
      return ImportDescriptionResponse(ctx.config, result);
    case importer::SubmitResult::kConflict:
      throw ImportConflict("Duplicate request detected with conflicting parameters");
    case importer::SubmitResult::kTableExists:
      throw ApiError::ResourceInUse("Table already exists: " + record.table_name);
    case importer::SubmitResult::kLimitExceeded:
      // AWS's quota is 50 concurrent imports; the wording of its message is not known.
      throw ApiError::LimitExceeded("Too many concurrent imports: the limit is 50");
    case importer::SubmitResult::kError:
      break;
  }
  throw StatusError(error);
}

}  // namespace tideline::api
