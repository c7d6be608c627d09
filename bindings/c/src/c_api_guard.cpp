#include "bindings/c/src/c_api_guard.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include "core/json_input.hpp"
// hse_code is hse::Code (guarded() casts one to the other): each C value must be the
// number of the same code in core/error.cpp's table.
#define HSE_SAME_CODE(c_value, cpp_code) \
  static_assert(static_cast<int>(c_value) == static_cast<int>(hse::Code::cpp_code), #c_value " is not hse::Code::" #cpp_code)
HSE_SAME_CODE(HSE_OK, ok);
HSE_SAME_CODE(HSE_ERR_INVALID, invalid);
HSE_SAME_CODE(HSE_ERR_NOT_FOUND, not_found);
HSE_SAME_CODE(HSE_ERR_CONFLICT, conflict);
HSE_SAME_CODE(HSE_ERR_NETWORK, network);
HSE_SAME_CODE(HSE_ERR_TIMEOUT, timeout);
HSE_SAME_CODE(HSE_ERR_AUTH, auth);
HSE_SAME_CODE(HSE_ERR_RATE_LIMITED, rate_limited);
HSE_SAME_CODE(HSE_ERR_SERVER, server);
HSE_SAME_CODE(HSE_ERR_STORAGE, storage);
HSE_SAME_CODE(HSE_ERR_NO_REMOTE, no_remote);
HSE_SAME_CODE(HSE_ERR_SCHEMA, schema);
HSE_SAME_CODE(HSE_ERR_INTERNAL, internal);
HSE_SAME_CODE(HSE_ERR_CANCELLED, cancelled);
HSE_SAME_CODE(HSE_ERR_BUSY, busy);
HSE_SAME_CODE(HSE_ERR_TLS, tls);
HSE_SAME_CODE(HSE_ERR_UNSETTLED, unsettled);
#undef HSE_SAME_CODE

namespace hse::capi {

namespace {

// Per thread, as errno: one thread's failure never shows in another's.
struct LastError {
  std::string message;
  std::string fields = "[]";
};
thread_local LastError last_error;

}  // namespace

void clear_last_error() noexcept {
  last_error.message.clear();
  last_error.fields = "[]";
}

hse_code fail(hse_code code, const std::string& message, const std::vector<FieldError>& fields) noexcept {
  try {
    json arr = json::array();
    for (const auto& f : fields) arr.push_back({{"field", f.field}, {"message", f.message}});
    last_error.message = message;
    last_error.fields = dump(arr);
  } catch (...) {
    // Out of memory while recording: the code still tells what happened.
    clear_last_error();
  }
  return code;
}

void require(const void* arg, const char* name) {
  if (!arg) throw Error(Code::invalid, std::string(name) + " is NULL", {{name, "is NULL"}});
}

json parse_arg(const char* text, const char* name) {
  require(text, name);
  return parse_json(text, name);
}

char* dup_out(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

std::string dump(const json& value) {
  // Text from a server may hold invalid UTF-8: replaced, never a failure of the read.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void set_out(char** out, const json& value) {
  if (out) *out = dup_out(dump(value));
}

}  // namespace hse::capi

extern "C" {

const char* hse_last_error(void) noexcept { return hse::capi::last_error.message.c_str(); }
const char* hse_last_error_fields(void) noexcept { return hse::capi::last_error.fields.c_str(); }
// Strings handed out come from malloc (dup_out), so bindings need no C runtime of their own.
void hse_free(void* p) noexcept { std::free(p); }

const char* hse_code_name(hse_code code) noexcept { return hse::code_name(static_cast<hse::Code>(code)); }
int hse_code_is_transient(hse_code code) noexcept { return hse::is_transient(static_cast<hse::Code>(code)) ? 1 : 0; }

}  // extern "C"
