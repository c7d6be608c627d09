// gzip for HTTP bodies: inflating answers (the client), deflating them (the emulator).
// Thread-safe: a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hse::adapters::http {

// The inflated content of the gzip stream `data`. Throws hse::Error(Code::server) when
// the stream is corrupt or truncated, or when it inflates beyond `max_bytes` (the
// client's max_body_bytes: a small answer must not expand into gigabytes).
std::string gunzip(std::string_view data, std::size_t max_bytes);

// `data` as one gzip stream at zlib `level` (1 fastest .. 9 smallest).
std::string gzip(std::string_view data, int level);

}  // namespace hse::adapters::http
