#pragma once
// One line of an incremental export's data file: the compacted change of one item over the
// export's window (shared/spec/export-and-pitr.md §2.3). Real AWS output (DYNAMODB_JSON,
// NEW_AND_OLD_IMAGES):
//
//   {"Metadata":{"WriteTimestampMicros":{"N":"1768387673917155"}},"Keys":{"pk":{"S":"1"}},
//    "OldImage":{"pk":{"S":"1"},"test1":{"S":"1"}},"NewImage":{"bin":{"BS":["0000"]},...}}
//
// Members in that order; OldImage absent for an insert, NewImage absent for a delete; with the
// NEW_IMAGE view, no OldImage ever (a delete is Metadata and Keys only: AWS publishes no sample
// of that view; its documentation says only that the old image is left out). Keys hold the
// table's key attributes, hash first. Image attributes are sorted by name, as in AWS's
// incremental sample (its full exports are unsorted; consumers must not depend on either).
//
// ION (no AWS sample is public): the same record in Ion text, one line, the way a full export
// writes an item: $ion_1_0 {Metadata:{WriteTimestampMicros:1768387673917155.},Keys:{...},
// OldImage:{...},NewImage:{...}}, the timestamp being an N attribute and so an Ion decimal.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/key_schema.h"
#include "common/status.h"

namespace tideline::exporter {

struct ItemChange {
  uint64_t write_timestamp_us = 0;            // the item's last change inside the window
  std::optional<std::string_view> old_image;  // item JSON visible just before the window
  std::optional<std::string_view> new_image;  // item JSON visible at the window's end
};

// Appends the record's line (with "\n") to *out. At least one image must be present: the keys
// are read from it. Corruption (and *out unchanged) when an image is not a DynamoDB item or
// lacks a key attribute.
Status AppendChangeLine(const ItemChange& change, const common::KeySchema& keys,
                        bool include_old_image, bool ion, std::string* out);

}  // namespace tideline::exporter
