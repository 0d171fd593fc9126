#include "verify/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

extern char** environ;

namespace tideline::verify {

namespace {

using Clock = std::chrono::steady_clock;

// posix_spawn's attributes and file actions, released on every path.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawnattr_init(&attr_);
    posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnSetup() {
    posix_spawnattr_destroy(&attr_);
    posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // stdin from /dev/null, stdout and stderr into `output_fd`, no other descriptor of the
  // server (its listening socket, RocksDB's files); a process group of its own; and the signal
  // dispositions of a fresh process: the server blocks SIGINT/SIGTERM in every thread and
  // ignores SIGPIPE, which a child would otherwise inherit.
  int Prepare(int output_fd) {
    int rc = posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions_, output_fd, STDOUT_FILENO);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions_, output_fd, STDERR_FILENO);
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions_, STDERR_FILENO + 1);
    if (rc != 0) return rc;
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, sig);
    rc = posix_spawnattr_setflags(
        &attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (rc == 0) rc = posix_spawnattr_setpgroup(&attr_, 0);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr_, &none);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr_, &defaults);
    return rc;
  }

  const posix_spawnattr_t* attr() const { return &attr_; }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }

 private:
  posix_spawnattr_t attr_;
  posix_spawn_file_actions_t actions_;
};

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

int WaitForExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

int RemainingMs(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 1 << 30));
}

bool Readable(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP)) != 0;
}

}  // namespace

std::vector<std::string> EnvironmentWith(const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry = *e;
    bool replaced = false;
    for (const std::string& o : overrides) replaced = replaced || name_of(o) == name_of(entry);
    if (!replaced) out.emplace_back(entry);
  }
  out.insert(out.end(), overrides.begin(), overrides.end());
  return out;
}

ChildResult RunChild(const ChildOptions& options) {
  ChildResult result;
  if (options.argv.empty()) {
    result.spawn_error = EINVAL;
    return result;
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    result.spawn_error = errno;
    return result;
  }
  SpawnSetup setup;
  pid_t pid = -1;
  int rc = setup.Prepare(pipe_fds[1]);
  if (rc == 0) {
    std::vector<char*> argv = CStrings(options.argv);
    std::vector<char*> envp = CStrings(options.env);
    rc = posix_spawnp(&pid, argv[0], setup.actions(), setup.attr(), argv.data(), envp.data());
  }
  close(pipe_fds[1]);  // the child's copy is the only writer left: EOF when it is gone
  if (rc != 0) {
    close(pipe_fds[0]);
    result.spawn_error = rc;
    return result;
  }

  const Clock::time_point deadline = Clock::now() + options.time_limit;
  OutputTail& tail = result.output;
  tail = OutputTail(options.output_limit);
  ChildResult::Outcome kill_reason = ChildResult::Outcome::kExited;  // kExited = not killed
  bool output_open = true;
  int status = 0;
  bool reaped = false;
  char buffer[4096];
  while (!reaped && kill_reason == ChildResult::Outcome::kExited) {
    pollfd fds[2] = {{output_open ? pipe_fds[0] : -1, POLLIN, 0}, {options.stop_fd, POLLIN, 0}};
    // Once the output is closed the child is about to exit (or has closed it itself): poll
    // for its exit in short steps, still bounded by the deadline and the stop signal.
    const int wait_ms = output_open ? RemainingMs(deadline) : std::min(20, RemainingMs(deadline));
    const int ready = poll(fds, 2, wait_ms);  // < 0 (EINTR): look again
    if (Readable(options.stop_fd)) {
      kill_reason = ChildResult::Outcome::kStopped;
      break;
    }
    if (output_open && ready > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
      if (n > 0) {
        tail.Append(std::string_view(buffer, static_cast<size_t>(n)));
      } else if (n == 0 || errno != EINTR) {
        output_open = false;
      }
    }
    if (!output_open) {
      const pid_t done = waitpid(pid, &status, WNOHANG);
      reaped = done == pid;
    }
    if (!reaped && RemainingMs(deadline) == 0) kill_reason = ChildResult::Outcome::kTimedOut;
  }
  close(pipe_fds[0]);
  if (!reaped) {
    // Not reaped yet, so the group id cannot have been reused: kill the whole group.
    killpg(pid, SIGKILL);
    status = WaitForExit(pid);
  }
  if (kill_reason != ChildResult::Outcome::kExited) {
    result.outcome = kill_reason;
  } else if (WIFEXITED(status)) {
    result.outcome = ChildResult::Outcome::kExited;
    result.exit_code = WEXITSTATUS(status);
  } else {
    result.outcome = ChildResult::Outcome::kSignaled;
    result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return result;
}

}  // namespace tideline::verify
