#pragma once
// The ExportDescription structure of ExportTableToPointInTime and DescribeExport, with the
// members present in each state exactly as AWS shows them: IN_PROGRESS has no EndTime,
// ExportManifest, ItemCount or BilledSizeBytes; FAILED adds FailureCode/FailureMessage;
// ExportType appears only when the request named it; S3BucketOwner only when given.

#include <string>

#include "export/export_record.h"

namespace tideline::api {

std::string ExportDescriptionResponse(const exporter::ExportRecord& record);

}  // namespace tideline::api
