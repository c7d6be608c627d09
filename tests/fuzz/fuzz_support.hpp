// What every fuzz target shares: the rule that only hse::Error may leave the code
// under test (anything else, including nlohmann's own exceptions, is a bug: it
// would reach the app as the wrong error class), and a byte reader for structured input.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace hse::fuzz {

template <class Body>
void expect_only_hse_errors(const char* what, Body&& body) {
  try {
    body();
  } catch (const hse::Error&) {
    // the documented way to refuse input
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: unexpected exception: %s\n", what, e.what());
    std::abort();
  }
}

// Takes bytes from the front of the input; returns zeros when it runs out.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}
  uint8_t byte() {
    if (rest_.empty()) return 0;
    uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // Up to the next '\n' (not included), at most `max` bytes.
  std::string line(size_t max = 256) {
    size_t end = rest_.find('\n');
    size_t n = std::min(end == std::string_view::npos ? rest_.size() : end, max);
    std::string out(rest_.substr(0, n));
    rest_.remove_prefix(std::min(rest_.size(), n + (n == end ? 1 : 0)));
    return out;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

}  // namespace hse::fuzz
