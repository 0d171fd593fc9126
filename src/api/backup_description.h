#pragma once
// On-demand backups as the API sees them. A backup is a storage snapshot (storage.h: the table
// as of one commit time, pinned without copying, with its metadata and statistics at that
// time) named by the backup's ARN; the snapshot's payload holds what only the API knows (the
// BackupName, type and request time). This file writes the members CreateBackup,
// DescribeBackup, ListBackups and DeleteBackup answer with, and finds a requested backup.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"
#include "json/json.h"
#include "storage/storage.h"

namespace tideline::api {

struct BackupRecord {
  std::string name;           // BackupName
  std::string type = "USER";  // BackupType: USER (CreateBackup) or SYSTEM (DeleteTable, PITR on)
  int64_t creation_ms = 0;    // BackupCreationDateTime: the request time, as in the ARN
  int64_t expiry_ms = 0;      // BackupExpiryDateTime (SYSTEM backups); 0: none
};
std::string SerializeBackupRecord(const BackupRecord& record);
bool ParseBackupRecord(std::string_view text, BackupRecord* record);

// "arn:aws:dynamodb:<region>:<account>:table/<table>/backup/<id>" where the id is the creation
// time in epoch milliseconds on 14 digits, '-', 8 random lowercase hex digits (the shape of the
// ids AWS hands out: shared spec partiql-backups.md §4.1).
std::string NewBackupArn(const ServerConfig& config, const std::string& table_name,
                         int64_t creation_ms);
// The creation milliseconds in a backup ARN's id; nullopt when the ARN does not end in one.
std::optional<int64_t> BackupArnMillis(std::string_view arn);

// A backup: its snapshot and its record.
struct Backup {
  std::shared_ptr<const storage::Storage::Snapshot> snapshot;
  BackupRecord record;
  const std::string& arn() const { return snapshot->name; }
};
// The backup a snapshot is (false for a snapshot that is not a backup's).
bool AsBackup(std::shared_ptr<const storage::Storage::Snapshot> snapshot, Backup* out);

// The backups of the account; those past their BackupExpiryDateTime are deleted on the way
// (expiry is checked whenever backups are looked at, not by a timer).
std::vector<Backup> LiveBackups(Context& ctx);

// DeleteTable of a table with PITR on: the SYSTEM backup "<table>$DeletedTableBackup" of the
// table as it is at deletion, kept 35 days (shared spec partiql-backups.md §4.7). Returns its
// ARN, to be deleted again if the table's deletion fails.
std::string CreateDeletedTableBackup(Context& ctx, const storage::TableMeta& table);

// Reads and checks the request's BackupArn (37..1024 characters), then finds that backup or
// throws BackupNotFoundException.
Backup FindRequestedBackup(Context& ctx, const json::Value& req);

// The BackupDetails object (value only).
void WriteBackupDetails(json::Writer& w, const Backup& backup, std::string_view status);
// The BackupDescription object (value only): BackupDetails, SourceTableDetails,
// SourceTableFeatureDetails.
void WriteBackupDescription(json::Writer& w, Context& ctx, const Backup& backup,
                            std::string_view status);
// One BackupSummary of ListBackups (value only).
void WriteBackupSummary(json::Writer& w, Context& ctx, const Backup& backup);

}  // namespace tideline::api
