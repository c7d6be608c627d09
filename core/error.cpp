#include "core/error.hpp"

#include <iterator>

namespace hse {

namespace {

constexpr CodeInfo kTable[] = {
    {Code::ok, "ok", false, "success"},
    {Code::invalid, "invalid", false,
     "bad input: a field (listed in the error's fields), a JSON text, an argument, a configuration key"},
    {Code::not_found, "not_found", false, "no such entity, row, conflict or journal entry"},
    {Code::conflict, "conflict", false,
     "the write collides with another: a duplicate id, a row with children deleted without cascade"},
    {Code::network, "network", true, "the remote cannot be reached: connection refused or reset, DNS"},
    {Code::timeout, "timeout", true, "the remote did not answer in time (connect or read timeout)"},
    {Code::auth, "auth", false, "the remote refused the credentials (after one token refresh)"},
    {Code::rate_limited, "rate_limited", true, "the remote answered 429 or 503; see its Retry-After"},
    {Code::server, "server", true, "the remote answered 5xx, or an answer that is malformed"},
    {Code::storage, "storage", false, "SQLite failed: disk full, corruption, locked past the busy timeout"},
    {Code::no_remote, "no_remote", false, "the replica has no remote configured"},
    {Code::schema, "schema", false, "the replica file was written by a newer version of the library"},
    {Code::internal, "internal", false, "a bug in hsesync: an invariant did not hold; report it with the message"},
    {Code::cancelled, "cancelled", false, "the operation was stopped on request (hse_stop, hse_close)"},
    {Code::busy, "busy", true, "another sync round is running on this replica (in this or another process)"},
    {Code::tls, "tls", false,
     "the remote's TLS certificate failed verification (unknown CA, expired, wrong host): retrying will not help"},
    {Code::unsettled, "unsettled", false,
     "the replica cannot settle: journal entries are rejected or held and need the app (fix, retry or drop them)"},
};

constexpr bool numbered_in_order() {
  for (size_t i = 0; i < std::size(kTable); ++i)
    if (static_cast<size_t>(kTable[i].code) != i) return false;
  return true;
}
static_assert(numbered_in_order(), "error_codes(): each code at the index of its number");

}  // namespace

std::span<const CodeInfo> error_codes() noexcept { return kTable; }

const char* code_name(Code c) noexcept {
  const auto t = error_codes();
  const auto n = static_cast<size_t>(c);
  return n < t.size() ? t[n].name : "unknown";
}

bool is_transient(Code c) noexcept {
  const auto t = error_codes();
  const auto n = static_cast<size_t>(c);
  return n < t.size() && t[n].transient;
}

std::optional<Code> code_from_name(std::string_view name) noexcept {
  for (const auto& info : error_codes())
    if (name == info.name) return info.code;
  return std::nullopt;
}

static std::string describe(const std::vector<FieldError>& fields) {
  std::string msg = "validation failed:";
  for (const auto& f : fields) msg += " " + f.field + ": " + f.message + ";";
  if (!fields.empty()) msg.pop_back();
  return msg;
}

ValidationError::ValidationError(std::vector<FieldError> fields)
    : Error(Code::invalid, describe(fields), fields) {}

}  // namespace hse
