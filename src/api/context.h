#pragma once
// What every operation gets: the server configuration and the long-lived services.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tideline::storage {
class Storage;
}
namespace tideline::exporter {
class ExportService;
}
namespace tideline::restore {
class RestoreService;
}
namespace tideline::importer {
class ImportService;
}
namespace tideline::auth {
class Authenticator;
}
namespace tideline::verify {
class VerificationService;
}

namespace tideline::api {

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;
  std::string data_dir = "./data";
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  std::string export_dir;   // local directory standing for S3; default <data_dir>/s3
  std::string s3_endpoint;  // when set, exports go to this S3-compatible endpoint
  int max_exports_in_flight = 300;
  int max_tables = 2500;  // tables per account and region, as DynamoDB's default quota
  int export_threads = 2;
  bool sync_writes = false;
  bool in_memory = false;  // --in-memory: data_dir is a private tmpfs directory
  unsigned threads = 0;    // HTTP threads; 0 = hardware concurrency
  // HTTP limits and TLS (docs/http-limits.md); the defaults are http::ServerOptions'.
  size_t max_connections = 1024;
  size_t max_request_memory_mb = 256;
  double request_timeout_s = 30;
  double io_timeout_s = 30;
  double idle_timeout_s = 60;
  std::string tls_cert;  // PEM certificate chain; with tls_key, serve HTTPS
  std::string tls_key;
  // --credentials: the keys that may sign requests; empty = any signature is accepted.
  std::string credentials_file;
  // --cors-origin: the origins web pages may call from ("*" = any); empty = none.
  std::vector<std::string> cors_origins;
  // Time to Live: seconds between two sweeps for expired items (--ttl-interval), and between
  // two successful UpdateTimeToLive of one table (--ttl-cooldown; AWS documents one hour).
  double ttl_interval_s = 5;
  int64_t ttl_cooldown_s = 3600;
};

struct Context {
  const ServerConfig& config;
  storage::Storage& storage;
  exporter::ExportService* exports = nullptr;   // null when exports are not wired (unit tests)
  restore::RestoreService* restores = nullptr;  // null when restores are not wired (unit tests)
  // Verifies every request's signature; null = authentication off (no --credentials).
  const auth::Authenticator* authenticator = nullptr;
  importer::ImportService* imports = nullptr;  // null when imports are not wired (unit tests)
  // The console's export verifications; null when not wired (unit tests).
  verify::VerificationService* verifications = nullptr;
};

// "arn:aws:dynamodb:<region>:<account>:table/<name>"
std::string TableArn(const ServerConfig& config, const std::string& table_name);
// "arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>"
std::string StreamArn(const ServerConfig& config, const std::string& table_name,
                      const std::string& label);

}  // namespace tideline::api
