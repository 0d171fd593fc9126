#pragma once
// TableMeta: everything the catalog keeps about one table. Plain data; persisted as JSON in the
// catalog key space (storage.cc) by SerializeTableMeta below.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/index_key.h"
#include "model/key_codec.h"

namespace tideline::storage {

// One attribute of an index key.
using IndexKeyAttribute = model::KeyAttribute;

// A secondary index as the catalog keeps it (docs/storage.md, "Indexes").
struct IndexMeta {
  using Projection = model::IndexProjection;
  std::string name;
  // Names the index's entries in the key space: unique within its table and never reused, so a
  // deleted index's entries (being removed) never mix with a re-created one's.
  uint32_t id = 0;
  bool global = true;  // false: a local secondary index (its hash key is the table's)
  // GSIs take up to 4 partition and 4 sort key attributes (multi-attribute keys, 2025-11);
  // an LSI has exactly the table's partition key and one sort key.
  std::vector<IndexKeyAttribute> hash;
  std::vector<IndexKeyAttribute> range;
  Projection projection = Projection::kAll;
  std::vector<std::string> non_key_attributes;  // INCLUDE only
  // IndexStatus: CREATING (with backfilling while existing items are copied in), UPDATING,
  // DELETING or ACTIVE. LSIs are always ACTIVE once the table is.
  std::string status = "ACTIVE";
  bool backfilling = false;
  // Set by storage when the index enters the catalog: every commit after this ts maintains the
  // index, so a backfill copies only the items whose version is not newer (docs/storage.md).
  uint64_t maintained_since_ts = 0;
  int64_t read_capacity = 0;  // GSI ProvisionedThroughput (PROVISIONED billing)
  int64_t write_capacity = 0;
  int64_t last_throughput_increase_ms = 0;
  int64_t last_throughput_decrease_ms = 0;
  int64_t throughput_decreases_today = 0;
  int64_t max_read_request_units = 0;  // OnDemandThroughput; 0: not set
  int64_t max_write_request_units = 0;
  // WarmThroughput a request asked for (GSIs); 0: none, the default applies (api/).
  int64_t warm_read_units = 0;
  int64_t warm_write_units = 0;

  model::IndexKeySchema key_schema() const { return {hash, range}; }
};

struct TableMeta {
  std::string name;
  uint64_t id = 0;         // internal, never reused: a re-created table gets a new id
  std::string table_uuid;  // TableId (lowercase UUID)
  common::KeySchema key_schema;
  std::vector<std::pair<std::string, common::AvType>> attribute_definitions;
  std::string billing_mode = "PROVISIONED";  // or PAY_PER_REQUEST
  int64_t read_capacity = 0;
  int64_t write_capacity = 0;
  int64_t creation_time_ms = 0;
  int64_t last_billing_mode_change_ms = 0;
  int64_t last_throughput_increase_ms = 0;
  int64_t last_throughput_decrease_ms = 0;
  int64_t throughput_decreases_today = 0;
  std::vector<std::pair<std::string, std::string>> tags;
  bool deletion_protection = false;
  // The table's WarmThroughput a request asked for; 0: none, the default applies (api/).
  int64_t warm_read_units = 0;
  int64_t warm_write_units = 0;

  // Point-in-time recovery. The window is [pitr_since_us, now] clipped to recovery_days.
  bool pitr_enabled = false;
  int recovery_days = 35;
  uint64_t pitr_since_us = 0;  // commit-clock time when PITR was (last) enabled

  // RestoreTableToPointInTime: set on a table that a restore created.
  std::string restore_source_arn;    // empty: not a restored table
  uint64_t restore_time_us = 0;      // the point in time restored
  bool restore_in_progress = false;  // items still being copied: the table is CREATING
  // RestoreTableFromBackup: the backup restored (RestoreSummary.SourceBackupArn); empty for a
  // point-in-time restore.
  std::string restore_backup_arn;

  // Secondary indexes, global and local, in the order CreateTable/UpdateTable gave them.
  std::vector<IndexMeta> indexes;
  uint32_t next_index_id = 1;  // the id the next index created gets

  // Time to Live (UpdateTimeToLive): the attribute holding the items' expiry in epoch seconds;
  // empty = disabled. The expiry sweeper (storage/expiry_sweeper.h) deletes expired items.
  std::string ttl_attribute;
  int64_t ttl_last_change_ms = 0;  // the last successful UpdateTimeToLive (its cooldown)

  // DynamoDB Streams (docs/storage.md "Streams"): the view type of the enabled stream, empty when
  // none is enabled; every commit to the table while it is set writes stream records. The label
  // names the latest stream, enabled or since disabled (empty: never enabled); a new label (a
  // re-enable) is a new stream.
  std::string stream_view_type;
  std::string stream_label;
};

// Serialization for the catalog; Parse returns false on corrupt input.
std::string SerializeTableMeta(const TableMeta& meta);
bool ParseTableMeta(std::string_view text, TableMeta* meta);

}  // namespace tideline::storage
