// Errors shared by every layer. Thread-safe: these are plain values.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hse {

// Error classes. The numbers are the C API's hse_code values: only ever append.
enum class Code : int {
  ok = 0,
  invalid = 1,       // bad input: a field, a JSON text, an argument
  not_found = 2,     // no such entity, row, conflict or journal entry
  conflict = 3,      // a write collides with another (duplicate id, pending conflict)
  network = 4,       // transient: connection refused, reset, DNS
  timeout = 5,       // transient: connect or read timeout
  auth = 6,          // the remote refused our credentials (after one refresh)
  rate_limited = 7,  // transient: 429/503 from the remote
  server = 8,        // transient: 5xx or a malformed answer from the remote
  storage = 9,       // SQLite failed (disk full, corruption, locked past the busy timeout)
  no_remote = 10,    // the replica has no remote configured
  schema = 11,       // the replica file was written by a newer schema version
  internal = 12,     // a bug: an invariant did not hold
  cancelled = 13,    // the operation was stopped on request
  busy = 14,         // another sync round is running
  tls = 15,          // the remote's TLS certificate or handshake failed verification
  unsettled = 16,    // what is left to push waits for the app: rejected or held entries, conflicts
};

const char* code_name(Code c) noexcept;
// True where trying again later may succeed without changing the request.
bool is_transient(Code c) noexcept;

struct FieldError {
  std::string field;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

class Error : public std::runtime_error {
 public:
  Error(Code code, const std::string& message, std::vector<FieldError> fields = {})
      : std::runtime_error(message), code_(code), fields_(std::move(fields)) {}
  Code code() const noexcept { return code_; }
  const std::vector<FieldError>& fields() const noexcept { return fields_; }

 private:
  Code code_;
  std::vector<FieldError> fields_;
};

// A failure the remote answered with an HTTP status (and maybe a Retry-After).
class RemoteError : public Error {
 public:
  RemoteError(Code code, const std::string& message, int http_status, std::optional<int> retry_after_s = {},
              std::vector<FieldError> fields = {})
      : Error(code, message, std::move(fields)), http_status_(http_status), retry_after_s_(retry_after_s) {}
  int http_status() const noexcept { return http_status_; }
  std::optional<int> retry_after_s() const noexcept { return retry_after_s_; }

 private:
  int http_status_;
  std::optional<int> retry_after_s_;
};

// A write refused by validation: names every field at fault, like the server's 422.
class ValidationError : public Error {
 public:
  explicit ValidationError(std::vector<FieldError> fields);
};

}  // namespace hse
