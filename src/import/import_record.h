#pragma once
// ImportRecord: the durable state of one ImportTable, kept in storage's metadata key space under
// "import/<ImportArn>" and rewritten on every change of state, so that DescribeImport,
// ListImports and crash recovery all read the same thing.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tideline::importer {

struct ImportRecord {
  std::string import_arn;              // <table arn>/import/<import_id>
  std::string import_id;               // "%014lld-%08x", as an export id (spec §3)
  std::string status = "IN_PROGRESS";  // IN_PROGRESS | COMPLETED | FAILED | CANCELLED
  std::string table_name;
  std::string table_arn;
  std::string table_id;            // TableId (UUID): allocated at request time, never changes
  uint64_t table_internal_id = 0;  // storage's id of the table being filled
  std::string client_token;
  std::string s3_bucket;
  std::string s3_bucket_owner;  // "" when not requested
  std::string s3_key_prefix;    // "" when not requested
  bool has_s3_key_prefix = false;
  std::string input_format;  // DYNAMODB_JSON | ION | CSV
  std::string input_compression_type = "NONE";
  bool has_csv_options = false;  // InputFormatOptions.Csv was given
  std::string csv_delimiter;     // "" when not requested ("," applies)
  std::vector<std::string> csv_header_list;
  bool has_csv_header_list = false;
  // The request's TableCreationParameters as compact JSON, echoed by DescribeImport.
  std::string table_creation_parameters_json;
  // storage::SerializeTableMeta of the table to create (id unset): a restart re-creates the
  // table from it when the import has to run again.
  std::string table_meta_json;
  int64_t start_time_ms = 0;
  int64_t end_time_ms = 0;  // 0 until the import ends
  // Outcome counters, reported once the import ends (AWS reports 0 while it runs).
  uint64_t processed_size_bytes = 0;
  uint64_t processed_item_count = 0;
  uint64_t imported_item_count = 0;
  uint64_t error_count = 0;
  std::string failure_code;
  std::string failure_message;
  // Set (and persisted, with the counters and the final status in `outcome`) once the items are
  // ingested and just before the table turns ACTIVE: a restart that finds it set and the table
  // ACTIVE finishes the record instead of running the import again.
  bool loaded = false;
  std::string outcome;  // the status the import ends with once `loaded`
};

std::string SerializeImportRecord(const ImportRecord& r);
bool ParseImportRecord(std::string_view text, ImportRecord* r);

}  // namespace tideline::importer
