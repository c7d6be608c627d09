// What the remote answered in this thread's last failed call (HTTP status,
// Retry-After), beside hse_last_error(): apps decide on these values, never by
// parsing a message. Kept apart from c_api_guard.cpp's message and fields, which
// every error has; only failures that came from an HTTP answer have these.
#pragma once

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace hse::capi {

// Forgets the previous call's answer (guarded() starts every call so).
void clear_remote_error() noexcept;
// Records e's HTTP status and Retry-After when it is a RemoteError (guarded() does it
// for whatever a call throws).
void record_remote_error(const Error& e) noexcept;
// Throws the failure a round's report names, `err` being its {"code", "message",
// "http_status"?, "retry_after_s"?}: a RemoteError when the remote answered, so the
// caller sees the status and Retry-After as if the round had thrown.
[[noreturn]] void throw_round_error(Code code, const nlohmann::json& err);

}  // namespace hse::capi
