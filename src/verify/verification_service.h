#pragma once
// VerificationService: the console's verifications of exports (docs/console.md, "Verifying an
// export"). Each runs tools/verify-export/verify_export.py as a child process (RunChild) on a
// thread of its own; its result is kept in memory per export ARN until the server stops.
//
// At most one verification per export runs at a time, and at most max_running in all: a
// verification reads and hashes every data file and, with a table comparison, restores the
// table twice at most, so more at once would only compete for the same disk and cores. Further
// requests are refused (Start says why) rather than queued, so that a person sees at once that
// nothing started instead of a verification that waits without saying so.
//
// Locking: mu_ guards the results and the threads; it comes before nothing else (no other
// module is called with it held) and is never held while a child is spawned or waited for.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "verify/verification.h"

namespace tideline::verify {

struct VerificationServiceOptions {
  size_t max_running = 2;
  std::chrono::milliseconds time_limit{std::chrono::minutes(10)};
  size_t output_limit = 8192;
  // Environment entries ("NAME=value") the verifier gets on top of the server's own (the
  // region, credentials for a server that accepts any signature).
  std::vector<std::string> environment;
};

class VerificationService {
 public:
  explicit VerificationService(VerificationServiceOptions options);
  ~VerificationService();  // Stop()
  VerificationService(const VerificationService&) = delete;
  VerificationService& operator=(const VerificationService&) = delete;

  enum class StartResult { kStarted, kAlreadyRunning, kTooMany, kStopped };
  // Starts a verification of request.export_arn unless one of it is running, max_running are
  // running, or the service has stopped. A new one replaces the export's earlier result.
  StartResult Start(const VerificationRequest& request);

  // The export's latest verification; nullopt when it has none.
  std::optional<VerificationState> Find(const std::string& export_arn) const;

  size_t max_running() const { return options_.max_running; }

  // This server's own API endpoint ("http://127.0.0.1:8000"), for --endpoint of a table
  // comparison; known once the server listens, "" before.
  void SetServerEndpoint(std::string endpoint);
  std::string server_endpoint() const;

  // Kills every running verifier (its process group) and joins the threads; verifications
  // killed so end UNAVAILABLE. Shutdown waits for no verifier to finish.
  void Stop();

 private:
  void Run(uint64_t id, VerificationRequest request);
  // Joins the threads of verifications that have ended.
  void JoinFinished();

  const VerificationServiceOptions options_;
  int stop_pipe_[2] = {-1, -1};  // written once by Stop(): readable = stop (RunChild's stop_fd)

  mutable common::Mutex mu_;
  std::map<std::string, VerificationState> results_ GUARDED_BY(mu_);
  std::map<std::string, uint64_t> running_ GUARDED_BY(mu_);  // export ARN -> thread id
  std::map<uint64_t, std::thread> threads_ GUARDED_BY(mu_);
  std::vector<uint64_t> finished_ GUARDED_BY(mu_);  // ids of ended threads not yet joined
  uint64_t next_id_ GUARDED_BY(mu_) = 0;
  bool stopped_ GUARDED_BY(mu_) = false;
  std::string server_endpoint_ GUARDED_BY(mu_);
};

}  // namespace tideline::verify
