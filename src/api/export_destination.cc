#include "api/export_destination.h"

#include <filesystem>

namespace tideline::api {

std::string ExportDirectory(const ServerConfig& config) {
  if (!config.export_dir.empty()) return config.export_dir;
  return (std::filesystem::path(config.data_dir) / "s3").string();
}

s3::S3Config ExportS3Config(const ServerConfig& config) {
  s3::S3Config s3_config;
  s3_config.endpoint = config.s3_endpoint;
  s3_config.region = config.region;
  s3::LoadCredentialsFromEnvironment(&s3_config);
  return s3_config;
}

std::unique_ptr<importer::ObjectSource> NewExportDestinationSource(const ServerConfig& config) {
  if (config.s3_endpoint.empty()) return importer::NewLocalDirSource(ExportDirectory(config));
  return importer::NewS3Source(ExportS3Config(config));
}

}  // namespace tideline::api
