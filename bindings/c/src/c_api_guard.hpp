// The one place where C++ failures become C results: every exported function runs
// its body through guarded(), so no exception crosses into C, and the calling
// thread's last error is set (or cleared) by every call.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bindings/c/src/c_api_remote_error.hpp"
#include "core/error.hpp"
#include "hsesync.h"

namespace hse::capi {

using json = nlohmann::json;

// Clears this thread's last error (every call starts so).
void clear_last_error() noexcept;
// Records `code`, `message` and `fields` as this thread's last error; returns `code`.
hse_code fail(hse_code code, const std::string& message, const std::vector<FieldError>& fields = {}) noexcept;

// Runs `body` (returning void) and maps what it throws:
// hse::Error -> its code and fields (and a RemoteError's HTTP status and Retry-After);
// nlohmann::json errors -> INVALID; bad_alloc and anything else -> INTERNAL.
template <class Body>
hse_code guarded(Body&& body) noexcept {
  clear_last_error();
  clear_remote_error();
  try {
    body();
    return HSE_OK;
  } catch (const Error& e) {
    record_remote_error(e);
    return fail(static_cast<hse_code>(e.code()), e.what(), e.fields());
  } catch (const json::exception& e) {
    // The engine read a value of the wrong JSON type from the caller's input.
    return fail(HSE_ERR_INVALID, std::string("invalid JSON value: ") + e.what());
  } catch (const std::bad_alloc&) {
    return fail(HSE_ERR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return fail(HSE_ERR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(HSE_ERR_INTERNAL, "internal error: unknown exception");
  }
}

// Argument checks, throwing hse::Error(invalid) naming the C parameter.
void require(const void* arg, const char* name);
// Parses JSON text given as parameter `name`.
json parse_arg(const char* text, const char* name);
// A malloc'd copy for an out_ parameter (the caller frees it with hse_free).
char* dup_out(const std::string& s);
// JSON text for the caller (invalid UTF-8 replaced).
std::string dump(const json& value);
// Sets *out (when out is not NULL) to a copy of `value` dumped as JSON.
void set_out(char** out, const json& value);

}  // namespace hse::capi
