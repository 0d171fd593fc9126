// tideline: command line, start-up and shutdown of the server.
//
//   tideline serve [--host 127.0.0.1] [--port 8000] [--data-dir ./data] [--region us-east-1]
//                  [--account-id 000000000000] [--export-dir DIR] [--s3-endpoint URL] [--sync]
//                  [--threads N] [--max-exports N] [--max-tables N] [--export-threads N]
//                  [--log-level info]
//                  [--tls-cert FILE --tls-key FILE] [--max-connections N]
//                  [--max-request-memory MB] [--request-timeout S] [--io-timeout S]
//                  [--idle-timeout S] [--disk-reserve-mb 64]
//                  [--credentials FILE] [--cors-origin ORIGIN]...
//                  [--ttl-interval 5] [--ttl-cooldown 3600]
//   tideline verify-export <dir | s3://bucket/prefix> [--against-table NAME [--endpoint URL]]
//                  (docs/verify-export.md)
//   tideline --version | --help
//
// SIGINT/SIGTERM: stop accepting, let in-flight requests finish, close the storage, exit 0. A
// second signal during that exits at once.

#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "api/context.h"
#include "api/export_destination.h"
#include "auth/authenticator.h"
#include "export/export_service.h"
#include "http/router.h"
#include "http/server.h"
#include "import/import_service.h"
#include "import/object_source.h"
#include "in_memory_dir.h"
#include "restore/restore_service.h"
#include "s3/sink.h"
#include "storage/expiry_sweeper.h"
#include "storage/storage.h"
#include "verify/verification_service.h"
#include "verify_export_command.h"

namespace {

using namespace tideline;

// Blocks the shutdown signals in the calling thread; threads started afterwards (RocksDB's,
// the HTTP workers) inherit the mask, so only sigwait() below ever sees them.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a peer that went away is an error code, not a death
  return set;
}

// The server's address as seen from this machine, for the web console a person opens
// (docs/console.md) and for the export verifier it runs: a wildcard bind is reachable on this
// machine's loopback, which is also a name the Host rule always accepts.
std::string LocalEndpoint(std::string_view scheme, const std::string& host, uint16_t port) {
  std::string name = host;
  if (host == "0.0.0.0") name = "127.0.0.1";
  if (host == "::") name = "[::1]";
  if (name.find(':') != std::string::npos && name.front() != '[') name = "[" + name + "]";
  return fmt::format("{}://{}:{}", scheme, name, port);
}

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

int WaitForSignal(const sigset_t& set) {
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

// Raises the descriptor limit to the hard limit: every connection, table file and WAL needs one,
// and a RocksDB flush that cannot open its file stops writes until recovery. Returns how many
// of RocksDB's table files to keep open: all of them when descriptors are plentiful, else a
// quarter of the limit, leaving the rest to connections, WALs and exports.
int RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 256;
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = before;
  }
  spdlog::info("descriptor limit {}", static_cast<uint64_t>(limit.rlim_cur));
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= 65536) return -1;
  return std::max(32, static_cast<int>(limit.rlim_cur / 4));
}

int Serve(const api::ServerConfig& config, storage::StorageOptions storage_options,
          const std::string& log_level, double drain_timeout_s, int export_flush_delay_ms) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("tideline"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(log_level));

  const sigset_t signals = BlockShutdownSignals();

  std::error_code fs_error;
  std::filesystem::create_directories(config.data_dir, fs_error);
  if (fs_error) {
    spdlog::critical("cannot create data dir {}: {}", config.data_dir, fs_error.message());
    return 1;
  }
  std::unique_ptr<storage::Storage> storage;
  storage_options.data_dir = config.data_dir;
  storage_options.sync_writes = config.sync_writes;
  storage_options.max_open_files = RaiseDescriptorLimit();
  if (!storage_options.testing_fault_file.empty()) {
    spdlog::warn("--testing-fault-file is set: writes fail while {} exists (tests only)",
                 storage_options.testing_fault_file);
  }
  if (Status s = storage::Storage::Open(storage_options, &storage); !s.ok()) {
    if (s.code() == Status::Code::kBusy) {
      spdlog::critical("{}", s.message());
    } else {
      spdlog::critical("cannot open storage in {}: {}", config.data_dir, s.ToString());
    }
    return 1;
  }

  api::Context ctx{config, *storage};

  // Authentication: every request's SigV4 signature is checked against the keys of the file.
  std::unique_ptr<auth::Authenticator> authenticator;
  if (!config.credentials_file.empty()) {
    std::vector<auth::KeyEntry> keys;
    if (Status s = auth::LoadCredentialsFile(config.credentials_file, &keys); !s.ok()) {
      spdlog::critical("{}", s.ToString());
      return 1;
    }
    authenticator = std::make_unique<auth::Authenticator>(keys, config.region);
    ctx.authenticator = authenticator.get();
    spdlog::info("authentication on: {} key(s) from {}", keys.size(), config.credentials_file);
  } else {
    spdlog::info(
        "authentication off: any signature is accepted (start with --credentials FILE "
        "to verify them)");
  }

  // Exports: a local directory stands for S3 unless an S3 endpoint is configured. Unfinished
  // exports of an earlier run are resumed (or failed) before the server takes requests.
  std::unique_ptr<s3::Sink> sink;
  if (config.s3_endpoint.empty()) {
    const std::string export_dir = api::ExportDirectory(config);
    std::filesystem::create_directories(export_dir, fs_error);
    sink = s3::NewLocalDirSink(export_dir);
  } else {
    sink = s3::NewS3Sink(api::ExportS3Config(config));
  }
  exporter::ExportServiceOptions export_options;
  export_options.worker_threads = std::max(1, config.export_threads);
  export_options.file_threads = std::max(1, config.export_threads);
  export_options.max_in_flight = config.max_exports_in_flight;
  export_options.testing_flush_delay_ms = export_flush_delay_ms;
  exporter::ExportService exports(*storage, std::move(sink), export_options);
  if (Status s = exports.Start(); !s.ok()) {
    spdlog::critical("cannot start the export service: {}", s.ToString());
    return 1;
  }
  ctx.exports = &exports;

  // Restores: a table an interrupted restore left half-filled is removed (that restore failed).
  restore::RestoreService restores(*storage);
  for (const auto& name : restores.DropIncompleteRestores()) {
    spdlog::warn("removed table {}: its restore was interrupted by the last shutdown", name);
  }
  ctx.restores = &restores;

  // Imports read from where exports write: the local directory standing for S3, or the S3
  // endpoint. Started after the incomplete restores are dropped (that step removes the CREATING
  // tables of interrupted imports too; the import service re-creates and refills them).
  std::unique_ptr<importer::ObjectSource> import_source = api::NewExportDestinationSource(config);
  importer::ImportServiceOptions import_options;
  import_options.work_dir = config.data_dir + "/import-work";
  import_options.log_dir = config.data_dir + "/import-logs/aws-dynamodb/imports";
  std::filesystem::remove_all(import_options.work_dir, fs_error);  // runs of a crashed import
  importer::ImportService imports(*storage, std::move(import_source), import_options);
  if (Status s = imports.Start(); !s.ok()) {
    spdlog::critical("cannot start the import service: {}", s.ToString());
    return 1;
  }
  ctx.imports = &imports;

  // The console's export verifications (docs/console.md, "Verifying an export"): the verifier
  // signs its requests in the server's region; a server that accepts any signature gets some
  // (boto3 signs nothing without credentials) unless the environment has its own.
  verify::VerificationServiceOptions verify_options;
  verify_options.environment = {"AWS_DEFAULT_REGION=" + config.region,
                                "AWS_REGION=" + config.region};
  if (std::getenv("AWS_ACCESS_KEY_ID") == nullptr) {
    verify_options.environment.push_back("AWS_ACCESS_KEY_ID=tideline-console");
    verify_options.environment.push_back("AWS_SECRET_ACCESS_KEY=tideline-console");
  }
  verify::VerificationService verifications(verify_options);
  ctx.verifications = &verifications;

  // Time to Live deletions and stream retention (storage/expiry_sweeper.h).
  storage::ExpirySweeperOptions sweeper_options;
  sweeper_options.ttl_interval = Millis(config.ttl_interval_s);
  auto sweeper = std::make_unique<storage::ExpirySweeper>(storage.get(), sweeper_options);

  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.threads;
  options.max_connections = config.max_connections;
  options.max_request_memory = config.max_request_memory_mb << 20;
  options.request_timeout = Millis(config.request_timeout_s);
  options.io_timeout = Millis(config.io_timeout_s);
  options.idle_timeout = Millis(config.idle_timeout_s);
  options.drain_timeout = Millis(drain_timeout_s);
  options.tls_cert_file = config.tls_cert;
  options.tls_key_file = config.tls_key;
  http::Server server(ctx, options);
  if (Status s = server.Start(); !s.ok()) {
    spdlog::critical("{}", s.ToString());
    return 1;
  }
  verifications.SetServerEndpoint(LocalEndpoint("http", config.host, server.port()));
  spdlog::info("tideline {} listening on {}://{}:{} (data dir {}{}, region {}, sync writes {})",
               TIDELINE_VERSION, config.tls_cert.empty() ? "http" : "https", config.host,
               server.port(), config.data_dir, config.in_memory ? " in memory" : "", config.region,
               config.sync_writes ? "on" : "off");
  spdlog::info("exports and imports: {}",
               config.s3_endpoint.empty() ? "directory " + config.export_dir + " (standing for S3)"
                                          : "S3 endpoint " + config.s3_endpoint);
  spdlog::info(
      "web console: {}",
      LocalEndpoint(config.tls_cert.empty() ? "http" : "https", config.host, server.port()) + "/");
  if (!http::IsLoopbackBind(config.host) && (!authenticator || config.tls_cert.empty())) {
    // Anyone who can reach the port can act without credentials, or read the traffic without TLS.
    spdlog::warn("listening on {}, which is not a loopback address, without {}", config.host,
                 !authenticator
                     ? (config.tls_cert.empty() ? "--credentials or TLS" : "--credentials")
                     : "TLS");
  }

  const int sig = WaitForSignal(signals);
  spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::thread([signals] {
    WaitForSignal(signals);
    spdlog::warn("second signal: exiting without a clean shutdown");
    std::_Exit(1);
  }).detach();

  verifications.Stop();  // first: a verifier's requests must not hold up the drain below
  server.Stop();
  server.Wait();
  exports.Stop();
  imports.Stop();
  restores.Stop();
  sweeper.reset();
  storage.reset();  // flushes and closes RocksDB
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Tideline: a DynamoDB-compatible server with point-in-time recovery and exports",
               "tideline");
  app.set_version_flag("--version", "tideline " TIDELINE_VERSION);
  app.require_subcommand(1);

  api::ServerConfig config;
  storage::StorageOptions storage_options;
  uint64_t reserve_mb = storage_options.reserve_bytes >> 20;
  std::string log_level = "info";
  CLI::App* serve = app.add_subcommand("serve", "Run the DynamoDB-compatible HTTP server");
  serve->add_option("--host", config.host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", config.port, "TCP port (0 = any free port)")->capture_default_str();
  CLI::Option* data_dir =
      serve->add_option("--data-dir", config.data_dir, "Directory of the database")
          ->capture_default_str();
  bool in_memory = false;
  serve
      ->add_flag("--in-memory", in_memory,
                 "Keep the database in memory (a private tmpfs directory, removed at exit): "
                 "for tests; nothing is written to disk")
      ->excludes(data_dir);
  serve->add_option("--region", config.region, "AWS region reported in ARNs and endpoints")
      ->capture_default_str();
  serve->add_option("--account-id", config.account_id, "AWS account id reported in ARNs")
      ->capture_default_str();
  serve->add_option("--export-dir", config.export_dir,
                    "Local directory standing for S3 (default <data-dir>/s3)");
  serve->add_option("--s3-endpoint", config.s3_endpoint,
                    "Send exports to this S3-compatible endpoint instead of --export-dir");
  serve->add_flag("--sync", config.sync_writes, "fsync the write-ahead log on every write");
  serve->add_option("--threads", config.threads, "HTTP threads (0 = half the hardware threads)")
      ->capture_default_str();
  serve
      ->add_option("--max-exports", config.max_exports_in_flight,
                   "Exports that may be in progress at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve
      ->add_option("--max-tables", config.max_tables,
                   "Tables the server holds at most (DynamoDB's default quota per account and "
                   "region)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve->add_option("--export-threads", config.export_threads, "Threads writing export files")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve->add_option("--tls-cert", config.tls_cert, "Serve HTTPS with this PEM certificate chain")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", config.tls_key, "PEM private key of --tls-cert")
      ->check(CLI::ExistingFile);
  serve->get_option("--tls-cert")->needs("--tls-key");
  serve->get_option("--tls-key")->needs("--tls-cert");
  serve
      ->add_option("--max-connections", config.max_connections,
                   "Connections served at once; more are answered ThrottlingException")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve
      ->add_option("--max-request-memory", config.max_request_memory_mb,
                   "MiB of request bodies held at once; requests past it get ThrottlingException")
      ->capture_default_str()
      ->check(CLI::Range(size_t{16}, size_t{1} << 30));
  serve
      ->add_option("--request-timeout", config.request_timeout_s,
                   "Seconds a request may take to arrive, from its first byte")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 86400.0));
  serve
      ->add_option("--io-timeout", config.io_timeout_s,
                   "Seconds a request or response may make no progress")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 86400.0));
  serve
      ->add_option("--idle-timeout", config.idle_timeout_s,
                   "Seconds a keep-alive connection may wait for its next request")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 86400.0));
  serve
      ->add_option("--credentials", config.credentials_file,
                   "AWS shared-credentials file (INI) whose keys may sign requests; without it "
                   "any signature is accepted")
      ->check(CLI::ExistingFile);
  serve->add_option("--cors-origin", config.cors_origins,
                    "Origin allowed to call from a web page (repeatable; * allows any); "
                    "default: none");
  serve
      ->add_option("--ttl-interval", config.ttl_interval_s,
                   "Seconds between two sweeps deleting the items whose Time to Live has expired")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 86400.0));
  serve
      ->add_option("--ttl-cooldown", config.ttl_cooldown_s,
                   "Seconds after an UpdateTimeToLive during which the table's TTL setting "
                   "cannot change again (AWS: one hour)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400}));
  serve->add_option("--log-level", log_level, "trace, debug, info, warn, error or critical")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical"}));

  serve
      ->add_option("--disk-reserve-mb", reserve_mb,
                   "Space kept in reserve in the data dir for recovery from a full disk; writes "
                   "are refused while less than a quarter of it is free (0 = none)")
      ->capture_default_str();
  // Fault-injection tests only: while this file exists, writes to the database files fail
  // (EIO, or ENOSPC if the file says so). Hidden from --help.
  serve->add_option("--testing-fault-file", storage_options.testing_fault_file)->group("");
  // Streams tests only: shards roll over after this many milliseconds instead of AWS's ~4 hours,
  // so that readers walking shard lineage can be tested in seconds. Hidden from --help.
  serve->add_option("--testing-stream-shard-rollover-ms", storage_options.stream_shard_rollover_ms)
      ->group("")
      ->check(CLI::Range(uint64_t{100}, uint64_t{7} * 24 * 3600 * 1000));
  // Item-collection tests only: the size limit of an LSI item collection, in bytes (DynamoDB's
  // 10 GB cannot be written in a test). Hidden from --help.
  serve->add_option("--testing-item-collection-limit", storage_options.item_collection_limit_bytes)
      ->group("")
      ->check(CLI::Range(uint64_t{1}, uint64_t{10} << 30));
  // Browser tests only: a pause after each 256 KB of an export's data file, so that a test can
  // watch a running export's progress. Hidden from --help.
  int export_flush_delay_ms = 0;
  serve->add_option("--testing-export-flush-delay-ms", export_flush_delay_ms)
      ->group("")
      ->check(CLI::Range(0, 10000));
  // Shutdown tests only: how long the drain waits for busy connections before closing them.
  double drain_timeout_s = 10;
  serve->add_option("--testing-drain-timeout", drain_timeout_s)
      ->group("")
      ->check(CLI::Range(0.0, 3600.0));

  CLI::App* verify = app.add_subcommand(
      "verify-export",
      "Check an export (a directory or s3://bucket/prefix): manifests, checksums, counts, every "
      "record; see docs/verify-export.md");
  verify->prefix_command();  // everything after it goes to the verifier as is, --help too
  verify->set_help_flag();

  serve->footer(R"(Examples:
  tideline serve                                 on 127.0.0.1:8000, data in ./data
  tideline serve --in-memory --port 0            for tests: in memory, any free port
  tideline serve --data-dir /var/lib/tideline --sync --credentials ~/.aws/credentials
  tideline serve --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem --credentials keys.ini
  tideline serve --s3-endpoint http://localhost:9000   exports and imports through S3
Then: aws dynamodb list-tables --endpoint-url http://localhost:8000
and open http://localhost:8000/ in a browser for the console.)");

  CLI11_PARSE(app, argc, argv);
  if (verify->parsed()) return RunVerifyExport(verify->remaining());
  storage_options.reserve_bytes = reserve_mb << 20;

  std::unique_ptr<InMemoryDir> memory_dir;
  if (in_memory) {
    std::string error;
    memory_dir = InMemoryDir::Create(&error);
    if (!memory_dir) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 1;
    }
    config.data_dir = memory_dir->path();
    config.in_memory = true;
    storage_options.reserve_bytes = 0;  // memory, not a disk that fills up
  }

  config.export_dir = api::ExportDirectory(config);  // what the start-up line names
  return Serve(config, storage_options, log_level, drain_timeout_s, export_flush_delay_ms);
}
