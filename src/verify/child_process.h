#pragma once
// RunChild: runs a program as a child process without a shell and waits for it, keeping the end
// of its output, under a wall-clock limit and a stop signal from the caller. The child leads its
// own process group, and every way of ending early kills that whole group before reaping the
// child, so nothing it started outlives it and no zombie is left.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "verify/output_tail.h"

namespace tideline::verify {

struct ChildOptions {
  std::vector<std::string> argv;  // argv[0] is searched on PATH (posix_spawnp)
  std::vector<std::string> env;   // the whole environment, "NAME=value" each
  std::chrono::milliseconds time_limit{std::chrono::minutes(10)};
  size_t output_limit = 8192;  // bytes of stdout+stderr kept (the last ones)
  // When this descriptor becomes readable the child is killed (the caller's shutdown); -1: none.
  int stop_fd = -1;
};

struct ChildResult {
  enum class Outcome {
    kExited,       // exit_code is its status
    kSignaled,     // killed by a signal it did not get from us (signal)
    kTimedOut,     // killed at the time limit
    kStopped,      // killed because stop_fd became readable
    kSpawnFailed,  // never ran (spawn_error is the errno)
  };
  Outcome outcome = Outcome::kSpawnFailed;
  int exit_code = -1;
  int signal = 0;
  int spawn_error = 0;
  OutputTail output{0};  // the end of stdout and stderr interleaved (output_limit bytes)
};

ChildResult RunChild(const ChildOptions& options);

// The current environment with `overrides` ("NAME=value") replacing same-named entries.
std::vector<std::string> EnvironmentWith(const std::vector<std::string>& overrides);

}  // namespace tideline::verify
