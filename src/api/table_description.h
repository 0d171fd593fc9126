#pragma once
// The TableDescription structure shared by CreateTable, DescribeTable, UpdateTable and
// DeleteTable responses.

#include <string_view>

#include "api/context.h"
#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

// Writes the TableDescription object (value only; the caller writes the member name).
// The KeySchema member of a table (name and value).
void WriteTableKeySchema(json::Writer& w, const storage::TableMeta& table);

void WriteTableDescription(json::Writer& w, Context& ctx, const storage::TableMeta& table,
                           std::string_view status = "ACTIVE");

}  // namespace tideline::api
