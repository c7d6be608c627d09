// Reading a secret (an API token, a password) from a file the user names. The file
// is untrusted input: a directory, a device such as /dev/zero, a FIFO or a huge file
// must be refused with a clear error, never read into memory without bound.
// Thread-safe: a free function.
#pragma once

#include <cstddef>
#include <string>

namespace hse {

// Tokens and passwords are short; a JWT with many claims stays far below this.
inline constexpr std::size_t kMaxSecretFileBytes = 64 * 1024;

// The secret in the regular file at `path`, without trailing spaces and line ends.
// Throws hse::Error(Code::invalid) with field `what` (the option that named the file)
// when the file cannot be opened, is not a regular file, is longer than `max_bytes`,
// is empty, or holds a control character inside the secret (a binary file).
std::string read_secret_file(const std::string& path, const std::string& what,
                             std::size_t max_bytes = kMaxSecretFileBytes);

}  // namespace hse
