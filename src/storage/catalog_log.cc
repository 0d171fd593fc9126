#include "storage/catalog_log.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

namespace tideline::storage {

namespace {

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out.append(sep);
    out.append(p);
  }
  return out;
}

std::string KeysOf(const TableMeta& t) {
  std::string out = t.key_schema.hash_name + " HASH";
  if (t.key_schema.has_range()) out += ", " + t.key_schema.range_name + " RANGE";
  return out;
}

std::string BillingOf(const TableMeta& t) {
  if (t.billing_mode == "PAY_PER_REQUEST") return t.billing_mode;
  return t.billing_mode + " " + std::to_string(t.read_capacity) + " RCU / " +
         std::to_string(t.write_capacity) + " WCU";
}

std::string IndexesOf(const TableMeta& t) {
  std::vector<std::string> gsis, lsis;
  for (const auto& ix : t.indexes) (ix.global ? gsis : lsis).push_back(ix.name);
  std::vector<std::string> parts;
  if (!gsis.empty())
    parts.push_back(std::to_string(gsis.size()) + " GSI (" + Join(gsis, ", ") + ")");
  if (!lsis.empty())
    parts.push_back(std::to_string(lsis.size()) + " LSI (" + Join(lsis, ", ") + ")");
  return Join(parts, ", ");
}

std::string PitrOf(const TableMeta& t) {
  return t.pitr_enabled ? "point-in-time recovery on (" + std::to_string(t.recovery_days) + " days)"
                        : "point-in-time recovery off";
}

const IndexMeta* FindIndex(const TableMeta& t, const std::string& name) {
  for (const auto& ix : t.indexes) {
    if (ix.name == name) return &ix;
  }
  return nullptr;
}

// What changed from `b` to `a`, in words; empty when nothing worth a line did.
std::vector<std::string> Changes(const TableMeta& b, const TableMeta& a) {
  std::vector<std::string> out;
  if (b.billing_mode != a.billing_mode || b.read_capacity != a.read_capacity ||
      b.write_capacity != a.write_capacity) {
    out.push_back("billing " + BillingOf(a));
  }
  for (const auto& ix : a.indexes) {
    const IndexMeta* old = FindIndex(b, ix.name);
    if (!old) {
      out.push_back("index " + ix.name + " added (" + ix.status + ")");
    } else if (old->status != ix.status || old->backfilling != ix.backfilling) {
      auto state = [](const IndexMeta& i) {
        return i.status + (i.backfilling ? " (backfilling)" : "");
      };
      out.push_back("index " + ix.name + " " + state(*old) + " -> " + state(ix));
    } else if (old->read_capacity != ix.read_capacity || old->write_capacity != ix.write_capacity) {
      out.push_back("index " + ix.name + " throughput " + std::to_string(ix.read_capacity) +
                    " RCU / " + std::to_string(ix.write_capacity) + " WCU");
    }
  }
  for (const auto& ix : b.indexes) {
    if (!FindIndex(a, ix.name)) out.push_back("index " + ix.name + " removed");
  }
  if (b.pitr_enabled != a.pitr_enabled || b.recovery_days != a.recovery_days) {
    out.push_back(PitrOf(a));
  }
  if (b.ttl_attribute != a.ttl_attribute) {
    out.push_back(a.ttl_attribute.empty() ? "Time to Live off"
                                          : "Time to Live on attribute " + a.ttl_attribute);
  }
  if (b.stream_view_type != a.stream_view_type || b.stream_label != a.stream_label) {
    out.push_back(a.stream_view_type.empty()
                      ? "stream off"
                      : "stream " + a.stream_view_type + " (label " + a.stream_label + ")");
  }
  if (b.deletion_protection != a.deletion_protection) {
    out.push_back(a.deletion_protection ? "deletion protection on" : "deletion protection off");
  }
  if (b.restore_in_progress && !a.restore_in_progress) out.push_back("restore finished (ACTIVE)");
  if (b.tags != a.tags) out.push_back(std::to_string(a.tags.size()) + " tags");
  return out;
}

void WriteLine(const TableMeta* before, const TableMeta* after, int64_t items, int64_t bytes) {
  if (!spdlog::should_log(spdlog::level::info)) return;
  if (!before && after) {
    std::vector<std::string> parts = {"key " + KeysOf(*after), BillingOf(*after)};
    if (!after->indexes.empty()) parts.push_back(IndexesOf(*after));
    if (!after->stream_view_type.empty()) parts.push_back("stream " + after->stream_view_type);
    if (after->pitr_enabled) parts.push_back(PitrOf(*after));
    if (after->restore_in_progress) {
      parts.push_back("restoring from " + (after->restore_backup_arn.empty()
                                               ? after->restore_source_arn
                                               : after->restore_backup_arn));
    }
    spdlog::info("table {} created: {}", after->name, Join(parts, "; "));
  } else if (before && !after) {
    spdlog::info("table {} deleted ({} items, {} bytes)", before->name, items, bytes);
  } else if (before && after) {
    std::vector<std::string> changes = Changes(*before, *after);
    if (!changes.empty()) spdlog::info("table {}: {}", after->name, Join(changes, "; "));
  }
}

}  // namespace

void CatalogChangeLine::Set(std::shared_ptr<const TableMeta> before,
                            std::shared_ptr<const TableMeta> after, int64_t items, int64_t bytes) {
  before_ = std::move(before);
  after_ = std::move(after);
  items_ = items;
  bytes_ = bytes;
  set_ = true;
}

CatalogChangeLine::~CatalogChangeLine() {
  if (!set_) return;
  try {
    WriteLine(before_.get(), after_.get(), items_, bytes_);
  } catch (...) {  // a log line must never take the change down with it
  }
}

}  // namespace tideline::storage
