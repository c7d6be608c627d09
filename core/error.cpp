#include "core/error.hpp"

namespace hse {

const char* code_name(Code c) noexcept {
  switch (c) {
    case Code::ok: return "ok";
    case Code::invalid: return "invalid";
    case Code::not_found: return "not_found";
    case Code::conflict: return "conflict";
    case Code::network: return "network";
    case Code::timeout: return "timeout";
    case Code::auth: return "auth";
    case Code::rate_limited: return "rate_limited";
    case Code::server: return "server";
    case Code::storage: return "storage";
    case Code::no_remote: return "no_remote";
    case Code::schema: return "schema";
    case Code::internal: return "internal";
    case Code::cancelled: return "cancelled";
    case Code::busy: return "busy";
    case Code::tls: return "tls";
    case Code::unsettled: return "unsettled";
  }
  return "unknown";
}

bool is_transient(Code c) noexcept {
  return c == Code::network || c == Code::timeout || c == Code::rate_limited || c == Code::server ||
         c == Code::busy;
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
