#include "adapters/emulator/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace hse::adapters::emulator {

std::string bin_path(const std::string& name) {
  const char* dir = std::getenv("HSE_BIN_DIR");
  if (!dir || !*dir) throw std::runtime_error("HSE_BIN_DIR is not set (run the test through ctest)");
  return std::string(dir) + "/" + name;
}

Process::Process(const std::string& program, const std::vector<std::string>& args) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::vector<std::string> storage;
  storage.push_back(program);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    // A test that crashes must not leave its server running: the child gets SIGTERM
    // when the thread that forked it dies.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(fds[1], STDOUT_FILENO);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  stdout_fd_ = fds[0];
}

Process::Process(Process&& o) noexcept
    : pid_(o.pid_), stdout_fd_(o.stdout_fd_), buffered_(std::move(o.buffered_)), reaped_(o.reaped_), status_(o.status_) {
  o.pid_ = -1;
  o.stdout_fd_ = -1;
}

Process::~Process() {
  if (pid_ > 0 && !reaped_) stop(SIGTERM, std::chrono::seconds(5));
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::string Process::wait_for_line(const std::string& prefix, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (size_t nl; (nl = buffered_.find('\n')) != std::string::npos;) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      if (line.rfind(prefix, 0) == 0) return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("timed out waiting for a line starting with '" + prefix + "'");
    pollfd p{stdout_fd_, POLLIN, 0};
    int n = poll(&p, 1, int(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[4096];
    ssize_t got = read(stdout_fd_, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw std::runtime_error("the process closed its stdout before a line starting with '" + prefix + "'");
    buffered_.append(buf, size_t(got));
  }
}

bool Process::running() {
  if (pid_ <= 0 || reaped_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

int Process::stop(int sig, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  if (reaped_) return status_;
  kill(pid_, sig);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      return status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status_, 0);
  reaped_ = true;
  return -1;
}

std::string emulator_path() {
  const char* dir = std::getenv("HSE_EMULATOR_BIN_DIR");
  return dir && *dir ? std::string(dir) + "/hse-emulator" : bin_path("hse-emulator");
}

EmulatorProcess start_emulator(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> all = {"--port", "0"};
  all.insert(all.end(), args.begin(), args.end());
  Process p(emulator_path(), all);
  std::string line = p.wait_for_line("listening on 127.0.0.1:", timeout);
  auto port = static_cast<uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  return EmulatorProcess{std::move(p), port};
}

}  // namespace hse::adapters::emulator
