#pragma once
// Where exports go (and imports and the console read from): the local directory standing for S3
// (--export-dir, by default <data_dir>/s3) or the S3-compatible endpoint of --s3-endpoint. One
// reading of those settings for main.cc's export sink and import source and for the console's
// DescribeServer, GetExportManifest and VerifyExport, so that they cannot disagree.

#include <memory>
#include <string>

#include "api/context.h"
#include "import/object_source.h"
#include "s3/sink.h"

namespace tideline::api {

// --export-dir, or <data_dir>/s3.
std::string ExportDirectory(const ServerConfig& config);

// The endpoint, region and credentials (from the standard AWS environment) for --s3-endpoint.
s3::S3Config ExportS3Config(const ServerConfig& config);

// A reader of the export destination: the directory, or the S3 endpoint when one is set.
std::unique_ptr<importer::ObjectSource> NewExportDestinationSource(const ServerConfig& config);

}  // namespace tideline::api
