#include "verify/verification_service.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>
#include <utility>

#include "common/clock.h"
#include "verify/child_process.h"
#include "verify/verifier_script.h"

namespace tideline::verify {

namespace {

constexpr std::string_view kVerdictPrefix = "verify-export: ";

std::vector<std::string> VerifierArguments(const std::string& script,
                                           const VerificationRequest& request) {
  std::vector<std::string> argv = {"python3", script, request.location};
  if (!request.against_table.empty()) {
    argv.insert(argv.end(), {"--against-table", request.against_table, "--endpoint",
                             request.dynamodb_endpoint});
  }
  if (!request.s3_endpoint.empty()) argv.insert(argv.end(), {"--s3-endpoint", request.s3_endpoint});
  return argv;
}

// `text` with every "<local_root>/" as "s3://".
std::string AsS3Names(std::string text, const std::string& local_root) {
  if (local_root.empty()) return text;
  constexpr std::string_view kS3 = "s3://";
  const std::string from = local_root + "/";
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), kS3);
    at += kS3.size();
  }
  return text;
}

// The verifier's exit as a verification's end (docs/verify-export.md: 0 all is well, 1 the
// first inconsistency, 2 bad usage or an unreachable location).
void Conclude(const ChildResult& child, std::chrono::milliseconds time_limit,
              VerificationState* state) {
  using Outcome = ChildResult::Outcome;
  state->status = VerificationStatus::kUnavailable;
  switch (child.outcome) {
    case Outcome::kSpawnFailed:
      state->message =
          child.spawn_error == ENOENT
              ? "python3 is not installed on the server (not found on its PATH)"
              : std::string("python3 could not be started: ") + std::strerror(child.spawn_error);
      return;
    case Outcome::kTimedOut:
      state->message = "the verifier did not finish within " +
                       std::to_string(time_limit.count() / 1000) + " s and was stopped";
      return;
    case Outcome::kStopped:
      state->message = "the server shut down before the verifier finished";
      return;
    case Outcome::kSignaled:
      state->message = "the verifier was killed by signal " + std::to_string(child.signal);
      return;
    case Outcome::kExited:
      break;
  }
  const std::string verdict = child.output.LastLine(kVerdictPrefix);
  const bool has_verdict = verdict.compare(0, kVerdictPrefix.size(), kVerdictPrefix) == 0;
  if (child.exit_code == 0) {
    state->status = VerificationStatus::kPassed;
    state->message = child.output.LastLine("OK ");
    state->table_compared = !state->against_table.empty() &&
                            state->message.find(", matches table ") != std::string::npos;
  } else if (child.exit_code == 1 && has_verdict) {
    state->status = VerificationStatus::kFailed;
    state->message = verdict;
    // The comparison's faults name the table ("verify-export: table <name>: ...").
    state->table_compared =
        !state->against_table.empty() && verdict.compare(kVerdictPrefix.size(), 6, "table ") == 0;
  } else {
    // Exit 2, or an exit without the verifier's own line (a Python too old to run it).
    state->message = verdict.empty() ? "the verifier exited with status " +
                                           std::to_string(child.exit_code) + " and no message"
                                     : verdict;
  }
}

}  // namespace

const char* VerificationStatusName(VerificationStatus status) {
  switch (status) {
    case VerificationStatus::kInProgress:
      return "IN_PROGRESS";
    case VerificationStatus::kPassed:
      return "PASSED";
    case VerificationStatus::kFailed:
      return "FAILED";
    case VerificationStatus::kUnavailable:
      return "UNAVAILABLE";
  }
  return "UNAVAILABLE";
}

VerificationService::VerificationService(VerificationServiceOptions options)
    : options_(std::move(options)) {
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    // Without it a verifier could not be stopped early: refuse to run any.
    spdlog::error("export verifications are off: cannot create a pipe: {}", std::strerror(errno));
    stop_pipe_[0] = stop_pipe_[1] = -1;
    common::MutexLock lock(&mu_);
    stopped_ = true;
  }
}

VerificationService::~VerificationService() {
  Stop();
  for (int fd : stop_pipe_) {
    if (fd >= 0) close(fd);
  }
}

VerificationService::StartResult VerificationService::Start(const VerificationRequest& request) {
  JoinFinished();
  common::MutexLock lock(&mu_);
  if (stopped_) return StartResult::kStopped;
  if (running_.count(request.export_arn)) return StartResult::kAlreadyRunning;
  if (running_.size() >= options_.max_running) return StartResult::kTooMany;
  VerificationState& state = results_[request.export_arn];
  state = VerificationState{};
  state.start_time_ms = NowMillis();
  state.against_table = request.against_table;
  state.table_comparison_note = request.table_comparison_note;
  const uint64_t id = next_id_++;
  running_[request.export_arn] = id;
  // The thread starts under mu_ so that Stop() cannot miss it; it takes mu_ only to record its
  // result, after the child has been reaped.
  threads_.emplace(id, std::thread(&VerificationService::Run, this, id, request));
  return StartResult::kStarted;
}

std::optional<VerificationState> VerificationService::Find(const std::string& export_arn) const {
  common::MutexLock lock(&mu_);
  auto it = results_.find(export_arn);
  if (it == results_.end()) return std::nullopt;
  return it->second;
}

void VerificationService::SetServerEndpoint(std::string endpoint) {
  common::MutexLock lock(&mu_);
  server_endpoint_ = std::move(endpoint);
}

std::string VerificationService::server_endpoint() const {
  common::MutexLock lock(&mu_);
  return server_endpoint_;
}

void VerificationService::Stop() {
  std::map<uint64_t, std::thread> threads;
  {
    common::MutexLock lock(&mu_);
    stopped_ = true;
    threads.swap(threads_);
    finished_.clear();
  }
  if (stop_pipe_[1] >= 0 && !threads.empty()) {
    const char byte = 1;
    // The pipe stays readable from now on: every RunChild, current or later, sees the stop.
    while (write(stop_pipe_[1], &byte, 1) < 0 && errno == EINTR) {
    }
  }
  for (auto& [id, thread] : threads) thread.join();
}

void VerificationService::JoinFinished() {
  std::vector<std::thread> done;
  {
    common::MutexLock lock(&mu_);
    for (uint64_t id : finished_) {
      auto it = threads_.find(id);
      if (it == threads_.end()) continue;
      done.push_back(std::move(it->second));
      threads_.erase(it);
    }
    finished_.clear();
  }
  for (std::thread& thread : done) thread.join();
}

void VerificationService::Run(uint64_t id, VerificationRequest request) {
  spdlog::info("verification of export {} started ({})", request.export_arn,
               request.against_table.empty() ? request.table_comparison_note
                                             : "also against table " + request.against_table);
  VerificationState state;
  state.against_table = request.against_table;
  const std::string script = FindVerifierScript();
  if (script.empty()) {
    state.status = VerificationStatus::kUnavailable;
    state.message =
        "the verifier (tools/verify-export/verify_export.py) was not found beside the server's "
        "binary; set TIDELINE_VERIFY_EXPORT_SCRIPT to its path";
  } else {
    ChildOptions child;
    child.argv = VerifierArguments(script, request);
    child.env = EnvironmentWith(options_.environment);
    child.time_limit = options_.time_limit;
    child.output_limit = options_.output_limit;
    child.stop_fd = stop_pipe_[0];
    Conclude(RunChild(child), options_.time_limit, &state);
    state.message = AsS3Names(state.message, request.local_root);
  }
  spdlog::info("verification of export {}: {}: {}", request.export_arn,
               VerificationStatusName(state.status), state.message);
  common::MutexLock lock(&mu_);
  auto it = results_.find(request.export_arn);
  if (it != results_.end()) {
    it->second.status = state.status;
    it->second.message = state.message;
    it->second.table_compared = state.table_compared;
    it->second.end_time_ms = NowMillis();
  }
  running_.erase(request.export_arn);
  finished_.push_back(id);
}

}  // namespace tideline::verify
