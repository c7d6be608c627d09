#include "adapters/http/retry_after.hpp"

#include <gtest/gtest.h>

using hse::adapters::http::kMaxRetryAfterS;
using hse::adapters::http::parse_retry_after;

namespace {
// 1994-11-06T08:49:37Z, the RFC's example date.
constexpr int64_t kExampleS = 784111777;
constexpr int64_t kNowMs = (kExampleS - 120) * 1000;  // two minutes before it
}  // namespace

TEST(RetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("0", kNowMs), 0);
  EXPECT_EQ(parse_retry_after("120", kNowMs), 120);
  EXPECT_EQ(parse_retry_after("  7 ", kNowMs), 7);
}

TEST(RetryAfter, LongWaitsAreCapped) {
  EXPECT_EQ(parse_retry_after("3601", kNowMs), kMaxRetryAfterS);
  EXPECT_EQ(parse_retry_after("99999999999999999999", kNowMs), kMaxRetryAfterS);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 2094 08:49:37 GMT", kNowMs), kMaxRetryAfterS);
}

TEST(RetryAfter, HttpDates) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kNowMs), 120);
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", kNowMs), 120);
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", kNowMs), 120);
}

TEST(RetryAfter, DatesInThePastMeanNow) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", (kExampleS + 60) * 1000), 0);
}

TEST(RetryAfter, MalformedIsNullopt) {
  EXPECT_EQ(parse_retry_after("", kNowMs), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", kNowMs), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5", kNowMs), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", kNowMs), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", kNowMs), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", kNowMs), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 CET", kNowMs), std::nullopt);
}
