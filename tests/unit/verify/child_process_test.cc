#include "verify/child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace tideline::verify {
namespace {

using std::chrono::milliseconds;

ChildOptions Shell(const std::string& script) {
  ChildOptions options;
  options.argv = {"sh", "-c", script};
  options.env = EnvironmentWith({});
  options.time_limit = std::chrono::seconds(20);
  return options;
}

// Whether `pid` is a process that has not exited (a zombie has).
bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  if (text.empty()) return false;
  std::istringstream rest(text.substr(text.rfind(')') + 1));
  std::string state;
  rest >> state;
  return state != "Z";
}

bool GoneWithin(pid_t pid, milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (Alive(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  return !Alive(pid);
}

TEST(ChildProcessTest, ReportsTheExitStatusAndBothOutputs) {
  ChildResult result = RunChild(Shell("echo out; echo err >&2; exit 3"));
  ASSERT_EQ(result.outcome, ChildResult::Outcome::kExited);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output.text(), "out\nerr\n");
  EXPECT_EQ(result.output.LastLine(), "err");
}

TEST(ChildProcessTest, KeepsOnlyTheEndOfALargeOutput) {
  ChildOptions options = Shell("head -c 1000000 /dev/zero | tr '\\0' x; echo; echo last line");
  options.output_limit = 1024;
  ChildResult result = RunChild(options);
  ASSERT_EQ(result.outcome, ChildResult::Outcome::kExited);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output.text().size(), 1024u);
  EXPECT_TRUE(result.output.truncated());
  EXPECT_EQ(result.output.LastLine(), "last line");
}

TEST(ChildProcessTest, TheTimeLimitKillsTheWholeProcessGroup) {
  // The shell starts a grandchild and waits for it: killing the shell alone would leave it.
  ChildOptions options = Shell("sleep 30 & echo $!; wait");
  options.time_limit = milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  ChildResult result = RunChild(options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_EQ(result.outcome, ChildResult::Outcome::kTimedOut);
  const pid_t grandchild = std::stoi(result.output.LastLine());
  EXPECT_TRUE(GoneWithin(grandchild, std::chrono::seconds(5)));
}

TEST(ChildProcessTest, TheStopDescriptorKillsItAtOnce) {
  int stop[2];
  ASSERT_EQ(pipe(stop), 0);
  ChildOptions options = Shell("sleep 30");
  options.stop_fd = stop[0];
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(100));
    EXPECT_EQ(write(stop[1], "x", 1), 1);
  });
  const auto start = std::chrono::steady_clock::now();
  ChildResult result = RunChild(options);
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(result.outcome, ChildResult::Outcome::kStopped);
  close(stop[0]);
  close(stop[1]);
}

TEST(ChildProcessTest, AMissingProgramIsASpawnFailure) {
  ChildOptions options;
  options.argv = {"tideline-no-such-program"};
  options.env = EnvironmentWith({});
  ChildResult result = RunChild(options);
  EXPECT_EQ(result.outcome, ChildResult::Outcome::kSpawnFailed);
  EXPECT_EQ(result.spawn_error, ENOENT);
}

TEST(ChildProcessTest, TheChildGetsNoOtherDescriptorOfTheParent) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);  // not close-on-exec
  ASSERT_EQ(dup2(fds[0], 50), 50);
  ChildResult result = RunChild(Shell("test -e /proc/self/fd/50 && echo inherited || echo none"));
  close(50);
  close(fds[0]);
  close(fds[1]);
  EXPECT_EQ(result.output.LastLine(), "none");
}

TEST(ChildProcessTest, TheChildStartsWithNoSignalBlocked) {
  // The server blocks SIGTERM in every thread; its children must not inherit that.
  sigset_t term, before;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &before), 0);
  ChildOptions options = Shell("kill -TERM $$; sleep 10");
  options.time_limit = std::chrono::seconds(5);
  ChildResult result = RunChild(options);
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  ASSERT_EQ(result.outcome, ChildResult::Outcome::kSignaled);
  EXPECT_EQ(result.signal, SIGTERM);
}

TEST(ChildProcessTest, EnvironmentWithReplacesSameNamedEntries) {
  ASSERT_NE(getenv("PATH"), nullptr);
  const std::vector<std::string> env = EnvironmentWith({"PATH=/tideline/test"});
  int seen = 0;
  for (const std::string& entry : env) {
    if (entry.rfind("PATH=", 0) == 0) {
      ++seen;
      EXPECT_EQ(entry, "PATH=/tideline/test");
    }
  }
  EXPECT_EQ(seen, 1);
  EXPECT_GT(env.size(), 1u);  // the rest of the environment is kept
}

}  // namespace
}  // namespace tideline::verify
