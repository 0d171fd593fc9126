#pragma once
// The TableDescription structure shared by CreateTable, DescribeTable, UpdateTable and
// DeleteTable responses.

#include <string_view>

#include "api/context.h"
#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

// The KeySchema member of a table (name and value).
void WriteTableKeySchema(json::Writer& w, const storage::TableMeta& table);

// Writes the TableDescription object (value only; the caller writes the member name).
// CreateTable's response leaves out its GSIs' WarmThroughput (index_warm_throughput false), as
// AWS's does (live probes DDB-TABLE-134/138).
void WriteTableDescription(json::Writer& w, Context& ctx, const storage::TableMeta& table,
                           std::string_view status = "ACTIVE", bool index_warm_throughput = true);

}  // namespace tideline::api
