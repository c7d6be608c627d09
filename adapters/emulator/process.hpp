// Running hse-emulator (or any program of the build) as a child process, for the
// integration tests, the property tests over HTTP and the benchmarks:
//
//   auto emu = hse::adapters::emulator::start_emulator({"--admin", "--demo"});
//   ...                                             // the emulator stops when `emu` goes
//
// Not thread-safe: one thread owns a Process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <string>
#include <vector>

namespace hse::adapters::emulator {

// The path of executable `name` in the build ($HSE_BIN_DIR, set by hse_test()).
// Throws std::runtime_error when HSE_BIN_DIR is not set.
std::string bin_path(const std::string& name);

// A child process with its stdout piped to us (stderr is inherited, so its messages
// land in the test log). The destructor stops it: SIGTERM, then SIGKILL after 5 s, and
// always reaps it, so no test leaves a process behind (and the child is sent SIGTERM if
// the test process dies first).
class Process {
 public:
  // Starts `program` (a path) with `args` (argv[1..]). Throws std::runtime_error on failure.
  Process(const std::string& program, const std::vector<std::string>& args);
  ~Process();
  Process(Process&& other) noexcept;
  Process& operator=(Process&&) = delete;
  Process(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // The next whole line of the child's stdout that starts with `prefix` (lines before it
  // are skipped). Throws std::runtime_error on timeout or when stdout closes first.
  std::string wait_for_line(const std::string& prefix, std::chrono::milliseconds timeout);
  // Sends `sig` and waits up to `timeout` for the exit. Returns the waitpid() status
  // (use WIFEXITED/WEXITSTATUS), or -1 when it did not exit in time (it is then killed).
  int stop(int sig = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True while the child has not exited.
  bool running();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
  bool reaped_ = false;
  int status_ = 0;
};

// The hse-emulator to start: from $HSE_EMULATOR_BIN_DIR when set, else the build's.
// CI's sanitizer runs point it at the plain build: there the emulator is the server
// the client tests talk to, not what they test, and a sanitized one only slows them.
// The emulator's own tests run without it, so its sanitized build is still tested.
std::string emulator_path();

// A running hse-emulator on 127.0.0.1 and the port it chose.
struct EmulatorProcess {
  Process process;
  uint16_t port;
};
// Starts hse-emulator with `--port 0` and `args`, and waits (up to `timeout`) for its
// "listening on 127.0.0.1:PORT" line. Throws std::runtime_error when it does not come.
EmulatorProcess start_emulator(const std::vector<std::string>& args,
                               std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace hse::adapters::emulator
