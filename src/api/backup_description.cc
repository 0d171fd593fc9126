#include "api/backup_description.h"

#include <cstdio>
#include <random>

#include "api/index_description.h"
#include "api/request.h"
#include "api/status_error.h"
#include "api/table_description.h"
#include "common/api_error.h"
#include "common/clock.h"

namespace tideline::api {

namespace {

constexpr std::string_view kBackupSeparator = "/backup/";
constexpr size_t kIdMillisDigits = 14;
constexpr size_t kIdSize = kIdMillisDigits + 1 + 8;

}  // namespace

std::string SerializeBackupRecord(const BackupRecord& record) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("name");
  json::WriteString(w, record.name);
  w.Key("type");
  json::WriteString(w, record.type);
  w.Key("creation_ms");
  w.Int64(record.creation_ms);
  if (record.expiry_ms) {
    w.Key("expiry_ms");
    w.Int64(record.expiry_ms);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool ParseBackupRecord(std::string_view text, BackupRecord* record) {
  json::Document doc;
  if (!json::Parse(text, &doc, nullptr) || !doc.IsObject()) return false;
  const json::Value* name = json::Find(doc, "name");
  const json::Value* type = json::Find(doc, "type");
  const json::Value* created = json::Find(doc, "creation_ms");
  if (!name || !name->IsString() || !type || !type->IsString() || !created || !created->IsInt64()) {
    return false;
  }
  record->name = std::string(json::AsView(*name));
  record->type = std::string(json::AsView(*type));
  record->creation_ms = created->GetInt64();
  const json::Value* expiry = json::Find(doc, "expiry_ms");
  record->expiry_ms = expiry && expiry->IsInt64() ? expiry->GetInt64() : 0;
  return true;
}

std::string NewBackupArn(const ServerConfig& config, const std::string& table_name,
                         int64_t creation_ms) {
  thread_local std::mt19937 random{std::random_device{}()};
  char id[32];
  std::snprintf(id, sizeof id, "%014lld-%08x", static_cast<long long>(creation_ms),
                static_cast<unsigned>(random()));
  return TableArn(config, table_name) + std::string(kBackupSeparator) + id;
}

std::optional<int64_t> BackupArnMillis(std::string_view arn) {
  const size_t at = arn.rfind(kBackupSeparator);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view id = arn.substr(at + kBackupSeparator.size());
  if (id.size() != kIdSize || id[kIdMillisDigits] != '-') return std::nullopt;
  int64_t ms = 0;
  for (size_t i = 0; i < kIdMillisDigits; ++i) {
    if (id[i] < '0' || id[i] > '9') return std::nullopt;
    ms = ms * 10 + (id[i] - '0');
  }
  return ms;
}

bool AsBackup(std::shared_ptr<const storage::Storage::Snapshot> snapshot, Backup* out) {
  if (!snapshot || !ParseBackupRecord(snapshot->payload, &out->record)) return false;
  out->snapshot = std::move(snapshot);
  return true;
}

namespace {

// Deletes the backup if it has expired; true if it has.
bool DropIfExpired(Context& ctx, const Backup& backup) {
  if (!backup.record.expiry_ms || backup.record.expiry_ms > NowMillis()) return false;
  (void)ctx.storage.DeleteSnapshot(backup.arn());  // NotFound: someone else dropped it
  return true;
}

}  // namespace

std::vector<Backup> LiveBackups(Context& ctx) {
  std::vector<Backup> out;
  for (auto& snapshot : ctx.storage.ListSnapshots()) {
    Backup backup;
    if (AsBackup(std::move(snapshot), &backup) && !DropIfExpired(ctx, backup)) {
      out.push_back(std::move(backup));
    }
  }
  return out;
}

std::string CreateDeletedTableBackup(Context& ctx, const storage::TableMeta& table) {
  constexpr int64_t kSystemBackupRetentionMs = 35ll * 86400 * 1000;
  BackupRecord record;
  // '$' is outside CreateBackup's BackupName pattern: no user backup can take this name.
  record.name = table.name + "$DeletedTableBackup";
  record.type = "SYSTEM";
  record.creation_ms = NowMillis();
  record.expiry_ms = record.creation_ms + kSystemBackupRetentionMs;
  for (int attempt = 0;; ++attempt) {
    const std::string arn = NewBackupArn(ctx.config, table.name, record.creation_ms);
    Status s = ctx.storage.CreateSnapshot(table.name, arn, SerializeBackupRecord(record));
    if (s.ok()) return arn;
    if (!s.IsAlreadyExists() || attempt == 2) throw StatusError(s);
  }
}

Backup FindRequestedBackup(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "BackupArn");
  ValidationErrors errors;
  if (!arn) {
    errors.AddNull("backupArn");
  } else if (arn->size() < 37) {
    errors.Add(ValidationErrors::Quote(*arn), "backupArn",
               "Member must have length greater than or equal to 37");
  } else if (arn->size() > 1024) {
    errors.Add(ValidationErrors::Quote(*arn), "backupArn",
               "Member must have length less than or equal to 1024");
  }
  errors.ThrowIfAny();
  Backup backup;
  if (!AsBackup(ctx.storage.FindSnapshot(*arn), &backup) || DropIfExpired(ctx, backup)) {
    // ⚠ AWS's text is not recorded anywhere we found; the model's documentation of the error
    // reads "Backup not found for the given BackupARN." (moto: "Backup not found: <arn>").
    throw ApiError::BackupNotFound("Backup not found: " + std::string(*arn));
  }
  return backup;
}

void WriteBackupDetails(json::Writer& w, const Backup& backup, std::string_view status) {
  w.StartObject();
  w.Key("BackupArn");
  json::WriteString(w, backup.arn());
  w.Key("BackupName");
  json::WriteString(w, backup.record.name);
  w.Key("BackupSizeBytes");
  w.Int64(backup.snapshot->stats.size_bytes);
  w.Key("BackupStatus");
  json::WriteString(w, status);
  w.Key("BackupType");
  json::WriteString(w, backup.record.type);
  w.Key("BackupCreationDateTime");
  WriteTimestamp(w, backup.record.creation_ms);
  if (backup.record.expiry_ms) {
    w.Key("BackupExpiryDateTime");
    WriteTimestamp(w, backup.record.expiry_ms);
  }
  w.EndObject();
}

void WriteBackupDescription(json::Writer& w, Context& ctx, const Backup& backup,
                            std::string_view status) {
  const storage::TableMeta& table = backup.snapshot->table;
  w.StartObject();
  w.Key("BackupDetails");
  WriteBackupDetails(w, backup, status);

  w.Key("SourceTableDetails");
  w.StartObject();
  w.Key("TableName");
  json::WriteString(w, table.name);
  w.Key("TableId");
  json::WriteString(w, table.table_uuid);
  w.Key("TableArn");
  json::WriteString(w, TableArn(ctx.config, table.name));
  w.Key("TableSizeBytes");
  w.Int64(backup.snapshot->stats.size_bytes);
  WriteTableKeySchema(w, table);
  w.Key("TableCreationDateTime");
  WriteTimestamp(w, table.creation_time_ms);
  // Required by the model; a PAY_PER_REQUEST table's capacities are 0 (⚠ the model's rule for
  // TableDescription, not observed in a backup).
  w.Key("ProvisionedThroughput");
  w.StartObject();
  w.Key("ReadCapacityUnits");
  w.Int64(table.read_capacity);
  w.Key("WriteCapacityUnits");
  w.Int64(table.write_capacity);
  w.EndObject();
  w.Key("ItemCount");
  w.Int64(backup.snapshot->stats.item_count);
  w.Key("BillingMode");
  json::WriteString(w, table.billing_mode);
  w.EndObject();

  // Members only for the features the table has: "{}" for a plain table (AWS CLI examples).
  w.Key("SourceTableFeatureDetails");
  w.StartObject();
  WriteIndexInfos(w, table);
  // A stream as the table had it at the backup's time (a real DescribeBackup of a table with a
  // stream shows {StreamEnabled: true, StreamViewType}); none once it was disabled.
  if (!table.stream_view_type.empty()) {
    w.Key("StreamDescription");
    w.StartObject();
    w.Key("StreamEnabled");
    w.Bool(true);
    w.Key("StreamViewType");
    json::WriteString(w, table.stream_view_type);
    w.EndObject();
  }
  // Time to Live as DescribeTimeToLive showed it then. ⚠ The model has the member but no real
  // sample was found: its content (ENABLED with the attribute, absent when disabled, like the
  // stream's) is Tideline's reading of it.
  if (!table.ttl_attribute.empty()) {
    w.Key("TimeToLiveDescription");
    w.StartObject();
    w.Key("TimeToLiveStatus");
    w.String("ENABLED");
    w.Key("AttributeName");
    json::WriteString(w, table.ttl_attribute);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
}

void WriteBackupSummary(json::Writer& w, Context& ctx, const Backup& backup) {
  const storage::TableMeta& table = backup.snapshot->table;
  w.StartObject();
  w.Key("TableName");
  json::WriteString(w, table.name);
  w.Key("TableId");
  json::WriteString(w, table.table_uuid);
  w.Key("TableArn");
  json::WriteString(w, TableArn(ctx.config, table.name));
  w.Key("BackupArn");
  json::WriteString(w, backup.arn());
  w.Key("BackupName");
  json::WriteString(w, backup.record.name);
  w.Key("BackupCreationDateTime");
  WriteTimestamp(w, backup.record.creation_ms);
  if (backup.record.expiry_ms) {
    w.Key("BackupExpiryDateTime");
    WriteTimestamp(w, backup.record.expiry_ms);
  }
  // A listed backup is AVAILABLE: the snapshot is durable before any answer that shows it
  // leaves the server (see create_backup.cc).
  w.Key("BackupStatus");
  w.String("AVAILABLE");
  w.Key("BackupType");
  json::WriteString(w, backup.record.type);
  w.Key("BackupSizeBytes");
  w.Int64(backup.snapshot->stats.size_bytes);
  w.EndObject();
}

}  // namespace tideline::api
