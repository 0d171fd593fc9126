#pragma once
// TableMeta: everything the catalog keeps about one table. Plain data; persisted as JSON by
// storage/catalog.cc.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/key_codec.h"

namespace tideline::storage {

struct TableMeta {
  std::string name;
  uint64_t id = 0;          // internal, never reused: a re-created table gets a new id
  std::string table_uuid;   // TableId (lowercase UUID)
  model::KeySchema key_schema;
  std::vector<std::pair<std::string, model::AvType>> attribute_definitions;
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

  // Point-in-time recovery. The window is [pitr_since_us, now] clipped to recovery_days.
  bool pitr_enabled = false;
  int recovery_days = 35;
  uint64_t pitr_since_us = 0;  // commit-clock time when PITR was (last) enabled

  // RestoreTableToPointInTime: set on a table that a restore created.
  std::string restore_source_arn;  // empty: not a restored table
  uint64_t restore_time_us = 0;    // the point in time restored
  bool restore_in_progress = false;  // items still being copied: the table is CREATING
};

// Serialization for the catalog; Parse returns false on corrupt input.
std::string SerializeTableMeta(const TableMeta& meta);
bool ParseTableMeta(std::string_view text, TableMeta* meta);

}  // namespace tideline::storage
