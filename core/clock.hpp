// Time and randomness go through these interfaces so that tests (and a property
// test's seed) can drive them deterministically. Implementations must be thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace hse {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t now_ms() = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() override;
};

// A clock that only moves when told; each reading advances it by `step_ms`
// so that successive versions never share a timestamp.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000, int64_t step_ms = 1)
      : now_(start_ms), step_(step_ms) {}
  int64_t now_ms() override;
  void advance(int64_t ms);

 private:
  std::mutex mu_;
  int64_t now_;
  int64_t step_;
};

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t next_u64() = 0;
  // A random (version 4) UUID in lower-case canonical form.
  std::string uuid4();
  // Uniform in [0, 1).
  double unit();
};

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : gen_(seed) {}
  uint64_t next_u64() override;

 private:
  std::mutex mu_;
  std::mt19937_64 gen_;
};

// Seeded from std::random_device.
std::shared_ptr<Random> system_random();
std::shared_ptr<Clock> system_clock();

}  // namespace hse
