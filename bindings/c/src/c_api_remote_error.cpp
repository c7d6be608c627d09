#include "bindings/c/src/c_api_remote_error.hpp"

#include "hsesync.h"

namespace hse::capi {

namespace {

// Per thread, like hse_last_error(). 0 and -1: the failure was not an HTTP answer,
// or the remote gave no Retry-After (0 is a valid Retry-After, so "none" is -1).
struct LastRemote {
  int http_status = 0;
  int retry_after_s = -1;
};
thread_local LastRemote last_remote;

}  // namespace

void clear_remote_error() noexcept { last_remote = LastRemote{}; }

void record_remote_error(const Error& e) noexcept {
  clear_remote_error();
  if (auto remote = dynamic_cast<const RemoteError*>(&e)) {
    last_remote.http_status = remote->http_status();
    if (remote->retry_after_s()) last_remote.retry_after_s = *remote->retry_after_s();
  }
}

void throw_round_error(Code code, const nlohmann::json& err) {
  std::string message = err.value("message", "the sync round failed");
  int status = err.value("http_status", 0);
  std::optional<int> retry_after;
  if (err.contains("retry_after_s") && err["retry_after_s"].is_number_integer())
    retry_after = err["retry_after_s"].get<int>();
  if (status == 0 && !retry_after) throw Error(code, message);
  throw RemoteError(code, message, status, retry_after);
}

}  // namespace hse::capi

extern "C" {

int hse_last_error_http_status(void) noexcept { return hse::capi::last_remote.http_status; }
int hse_last_error_retry_after(void) noexcept { return hse::capi::last_remote.retry_after_s; }

}  // extern "C"
