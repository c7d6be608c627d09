// Parsing of the Retry-After header (RFC 9110 §10.2.3).
// Thread-safe: a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace hse::adapters::http {

// The longest wait we honour: a server asking for more is treated as asking for this,
// so one bad header cannot stall a sync loop for days.
inline constexpr int kMaxRetryAfterS = 3600;

// Seconds to wait from `now_ms` (ms since the Unix epoch): `value` is delta-seconds
// ("120") or an HTTP-date (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", or the obsolete
// RFC 850 and asctime forms). A date in the past gives 0; anything above
// kMaxRetryAfterS gives kMaxRetryAfterS. nullopt when `value` is empty or malformed.
// Never throws.
std::optional<int> parse_retry_after(std::string_view value, int64_t now_ms) noexcept;

}  // namespace hse::adapters::http
