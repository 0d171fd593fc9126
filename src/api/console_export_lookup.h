#pragma once
// The export a console operation names by its ExportArn.

#include "api/context.h"
#include "export/export_record.h"
#include "json/json.h"

namespace tideline::api {

// The request's ExportArn's record; ValidationException when ExportArn is absent,
// ExportNotFoundException "Export not found: <arn>" when no export has it.
exporter::ExportRecord FindConsoleExport(Context& ctx, const json::Value& req);

}  // namespace tideline::api
