#pragma once
// The local directory standing for S3: --export-dir, by default <data_dir>/s3. One reading of
// the setting for everything that reaches that directory (main.cc's export sink and import
// source, the console's manifest, verification and server operations), so they cannot disagree.

#include <filesystem>
#include <string>

#include "api/context.h"

namespace tideline::api {

inline std::string ExportDirectory(const ServerConfig& config) {
  if (!config.export_dir.empty()) return config.export_dir;
  return (std::filesystem::path(config.data_dir) / "s3").string();
}

}  // namespace tideline::api
