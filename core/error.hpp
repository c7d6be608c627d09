// Errors shared by every layer. Thread-safe: these are plain values.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hse {

// Error classes. The numbers are the C API's hse_code values (hsesync.h binds each
// HSE_ERR_ to these with a static_assert): only ever append. Each code's name,
// transience and meaning live in one table (error_codes() in core/error.cpp), from
// which the C API, the CLI's exit codes and docs/errors.md are made.
enum class Code : int {
  ok = 0,
  invalid = 1,
  not_found = 2,
  conflict = 3,
  network = 4,
  timeout = 5,
  auth = 6,
  rate_limited = 7,
  server = 8,
  storage = 9,
  no_remote = 10,
  schema = 11,
  internal = 12,
  cancelled = 13,
  busy = 14,
  tls = 15,
  unsettled = 16,
};

struct CodeInfo {
  Code code;
  const char* name;     // "not_found": the C API's hse_code_name, the CLI's messages
  bool transient;       // trying again later, unchanged, may succeed
  const char* meaning;  // one line, for docs/errors.md and the CLI's --help
};

// Every code, ok first, in order of number (index == number).
std::span<const CodeInfo> error_codes() noexcept;
// "unknown" for a number the table has not (a newer library's code).
const char* code_name(Code c) noexcept;
// True where trying again later may succeed without changing the request.
bool is_transient(Code c) noexcept;
// The code called `name`; nullopt when the table has none.
std::optional<Code> code_from_name(std::string_view name) noexcept;

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
