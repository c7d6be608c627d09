#include "core/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace hse {

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& what, const std::string& why) {
  throw Error(Code::invalid, what + " file '" + path + "' " + why, {{what, why}});
}

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_secret_file(const std::string& path, const std::string& what, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the type check below refuses it.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (f.fd < 0) refuse(path, what, std::string("cannot be read: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) refuse(path, what, std::string("cannot be read: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) refuse(path, what, "is not a regular file");
  if (static_cast<unsigned long long>(st.st_size) > max_bytes)
    refuse(path, what, "is " + std::to_string(st.st_size) + " bytes, more than a secret's limit of " +
                           std::to_string(max_bytes));
  // Read at most one byte past the limit: the size seen by fstat may change under us.
  std::string s(max_bytes + 1, '\0');
  std::size_t got = 0;
  while (got < s.size()) {
    ssize_t n = ::read(f.fd, s.data() + got, s.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) refuse(path, what, std::string("cannot be read: ") + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) refuse(path, what, "is longer than a secret's limit of " + std::to_string(max_bytes) + " bytes");
  s.resize(got);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  if (s.empty()) refuse(path, what, "is empty");
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) refuse(path, what, "holds control characters (is it a binary file?)");
  return s;
}

}  // namespace hse
