#pragma once
// Catalog rules for secondary indexes that storage enforces on every metadata update, and the
// test hook of the backfill (index_backfill.cc).

#include <cstdint>
#include <functional>
#include <string_view>

#include "storage/table_meta.h"

namespace tideline::storage {

// Storage::UpdateTable replaces a table's metadata with the caller's copy, which may predate a
// change storage made in the background (a backfill that finished, a removal that completed).
// This keeps storage's part of each index from `stored`: its maintained_since_ts (set to
// `last_commit_ts` for an index new to the catalog), a status that has moved on from CREATING,
// DELETING, and the absence of an index already removed (an id below stored.next_index_id that
// stored no longer has).
void KeepIndexProgress(const TableMeta& stored, uint64_t last_commit_ts, TableMeta* incoming);

// Tests only: called on a backfill's thread at its steps, "snapshot" (taken, before the table is
// read) and "ingested" (before the repairs), so that a test can write or crash exactly there.
using BackfillStepHook = std::function<void(std::string_view step)>;
void SetBackfillStepHookForTesting(BackfillStepHook hook);

}  // namespace tideline::storage
