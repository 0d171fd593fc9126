#pragma once
// The LocalSecondaryIndexes and GlobalSecondaryIndexes members of a TableDescription, as
// botocore's LocalSecondaryIndexDescription / GlobalSecondaryIndexDescription shapes and the
// observations of the shared spec's indexes.md §2.

#include "api/context.h"
#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

// Writes both members (each only when the table has indexes of its kind), in creation order.
void WriteIndexDescriptions(json::Writer& w, Context& ctx, const storage::TableMeta& table,
                            bool warm_throughput = true);

// Both members as a backup's SourceTableFeatureDetails shows them (botocore's
// LocalSecondaryIndexInfo / GlobalSecondaryIndexInfo: name, key schema, projection and, for a
// GSI, its throughput), each only when the table has indexes of its kind; DELETING ones left out.
void WriteIndexInfos(json::Writer& w, const storage::TableMeta& table);

}  // namespace tideline::api
