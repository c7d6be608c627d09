#include "core/clock.hpp"

#include <chrono>

namespace hse {

int64_t SystemClock::now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t ManualClock::now_ms() {
  std::lock_guard lock(mu_);
  int64_t t = now_;
  now_ += step_;
  return t;
}

void ManualClock::advance(int64_t ms) {
  std::lock_guard lock(mu_);
  now_ += ms;
}

uint64_t SeededRandom::next_u64() {
  std::lock_guard lock(mu_);
  return gen_();
}

std::string Random::uuid4() {
  uint64_t hi = next_u64(), lo = next_u64();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](uint64_t v, int from_nibble, int count) {
    for (int i = from_nibble; i < from_nibble + count; ++i) out += hex[(v >> (60 - 4 * i)) & 0xF];
  };
  put(hi, 0, 8); out += '-';
  put(hi, 8, 4); out += '-';
  put(hi, 12, 4); out += '-';
  put(lo, 0, 4); out += '-';
  put(lo, 4, 12);
  return out;
}

double Random::unit() { return (next_u64() >> 11) * (1.0 / 9007199254740992.0); }

std::shared_ptr<Random> system_random() {
  std::random_device rd;
  return std::make_shared<SeededRandom>((uint64_t(rd()) << 32) ^ rd());
}

std::shared_ptr<Clock> system_clock() { return std::make_shared<SystemClock>(); }

}  // namespace hse
