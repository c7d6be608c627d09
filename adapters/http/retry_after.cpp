#include "adapters/http/retry_after.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace hse::adapters::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int month_index(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (kMonths[i] == name) return static_cast<int>(i) + 1;
  return 0;
}

bool number(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return true;
}

// "HH:MM:SS" into seconds of the day.
bool clock_time(std::string_view s, int& out) {
  int h = 0, m = 0, sec = 0;
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
  if (!number(s.substr(0, 2), h) || !number(s.substr(3, 2), m) || !number(s.substr(6, 2), sec)) return false;
  if (h > 23 || m > 59 || sec > 60) return false;
  out = h * 3600 + m * 60 + sec;
  return true;
}

std::optional<int64_t> epoch_s(int year, int month, int day, int seconds_of_day) {
  if (month < 1 || day < 1 || day > 31 || year < 1970) return std::nullopt;
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + seconds_of_day;
}

// The whitespace-separated words of `s`.
std::array<std::string_view, 6> words(std::string_view s, size_t& count) {
  std::array<std::string_view, 6> out{};
  count = 0;
  while (!s.empty()) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.empty()) break;
    size_t end = s.find(' ');
    if (count == out.size()) {
      count = out.size() + 1;  // too many
      return out;
    }
    out[count++] = s.substr(0, end);
    if (end == std::string_view::npos) break;
    s.remove_prefix(end);
  }
  return out;
}

std::optional<int64_t> parse_http_date(std::string_view s) {
  size_t n = 0;
  auto w = words(s, n);
  int day = 0, year = 0, tod = 0;
  if (n == 6 && w[0].size() == 4 && w[0][3] == ',' && w[5] == "GMT") {
    // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    if (!number(w[1], day) || !number(w[3], year) || !clock_time(w[4], tod)) return std::nullopt;
    return epoch_s(year, month_index(w[2]), day, tod);
  }
  if (n == 4 && !w[0].empty() && w[0].back() == ',' && w[3] == "GMT") {
    // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years are 19xx/20xx by RFC 9110's 50-year rule,
    // simplified here to "below 70 means 20xx").
    std::string_view d = w[1];
    if (d.size() != 9 || d[2] != '-' || d[6] != '-') return std::nullopt;
    if (!number(d.substr(0, 2), day) || !number(d.substr(7, 2), year) || !clock_time(w[2], tod)) return std::nullopt;
    year += year < 70 ? 2000 : 1900;
    return epoch_s(year, month_index(d.substr(3, 3)), day, tod);
  }
  if (n == 5 && w[0].size() == 3) {
    // asctime: Sun Nov  6 08:49:37 1994
    if (!number(w[2], day) || !clock_time(w[3], tod) || !number(w[4], year)) return std::nullopt;
    return epoch_s(year, month_index(w[1]), day, tod);
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> parse_retry_after(std::string_view value, int64_t now_ms) noexcept {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : value) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  if (all_digits) {
    // Long digit strings are still "a lot of seconds": cap rather than refuse.
    if (value.size() > 9) return kMaxRetryAfterS;
    int s = 0;
    std::from_chars(value.data(), value.data() + value.size(), s);
    return s > kMaxRetryAfterS ? kMaxRetryAfterS : s;
  }
  auto at = parse_http_date(value);
  if (!at) return std::nullopt;
  int64_t now_s = now_ms / 1000;
  int64_t delta = *at - now_s;
  if (delta <= 0) return 0;
  return delta > kMaxRetryAfterS ? kMaxRetryAfterS : static_cast<int>(delta);
}

}  // namespace hse::adapters::http
