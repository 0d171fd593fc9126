#pragma once
// One info line per change of the catalog, written by storage where every change passes (table
// created, updated, deleted; an index created, backfilled, deleted; a restore finished), so that
// no caller (UpdateTable, UpdateContinuousBackups, UpdateTimeToLive, a backfill job, a restore)
// can forget it:
//   info table Music created: key Artist HASH, SongTitle RANGE; PAY_PER_REQUEST; 1 GSI (byYear)
//   info table Music: index byYear CREATING -> ACTIVE; point-in-time recovery on (35 days)
// A change that alters nothing a person would look for (statistics, throughput timestamps) logs
// nothing.

#include <cstdint>
#include <memory>

#include "storage/table_meta.h"

namespace tideline::storage {

// The line of one catalog change, written when this goes out of scope. Declared before the locks
// under which the change is made, it is written after they are released: a slow or blocked stderr
// then never holds up commits or catalog reads.
class CatalogChangeLine {
 public:
  CatalogChangeLine() = default;
  CatalogChangeLine(const CatalogChangeLine&) = delete;
  CatalogChangeLine& operator=(const CatalogChangeLine&) = delete;
  ~CatalogChangeLine();

  // `before` null: created; `after` null: deleted (items/bytes: what it held).
  void Set(std::shared_ptr<const TableMeta> before, std::shared_ptr<const TableMeta> after,
           int64_t items = 0, int64_t bytes = 0);

 private:
  std::shared_ptr<const TableMeta> before_;
  std::shared_ptr<const TableMeta> after_;
  int64_t items_ = 0;
  int64_t bytes_ = 0;
  bool set_ = false;
};

}  // namespace tideline::storage
