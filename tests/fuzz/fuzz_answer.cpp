// A hostile server's answers through both client adapters: status, pagination
// headers, Retry-After, Content-Encoding and body, read by the 4HSE and status-page
// remotes' list, view and create (and the 4HSE pull's reading of a page from its text,
// against list's), and by the shared gzip and Retry-After readers.
// Input: byte 0 picks the call, byte 1 the status; then up to six header lines
// "name: value" (byte picks a known name), then the body.
#include <memory>

#include "adapters/fourhse/fourhse_remote.hpp"
#include "adapters/http/gzip.hpp"
#include "adapters/http/retry_after.hpp"
#include "adapters/statuspage/statuspage_remote.hpp"
#include "schema/catalog.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

namespace http = hse::adapters::http;
using json = nlohmann::json;

// Every request gets the same answer.
class Canned : public http::Transport {
 public:
  explicit Canned(http::Response r) : r_(std::move(r)) {}
  http::Response send(const http::Request&) override {
    if (++calls_ > 64) throw hse::Error(hse::Code::network, "enough");  // bounds fan-out
    return r_;
  }

 private:
  http::Response r_;
  int calls_ = 0;
};

constexpr int kStatuses[] = {200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 503, 302, 0};
constexpr const char* kHeaders[] = {"x-pagination-current-page", "x-pagination-page-count",
                                    "x-pagination-per-page",     "x-pagination-total-count",
                                    "retry-after",               "content-encoding"};

struct FixedClock : hse::Clock {
  int64_t now_ms() override { return 1'780'000'000'000; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hse::fuzz::Bytes in(data, size);
  const uint8_t call = in.byte();
  const uint8_t s = in.byte();
  http::Response answer;
  answer.status = s < 200 ? kStatuses[s % std::size(kStatuses)] : s * 3;
  int headers = in.byte() % 7;
  for (int i = 0; i < headers; ++i) answer.headers[kHeaders[in.byte() % std::size(kHeaders)]] = in.line(128);
  answer.body = std::string(in.rest());

  auto clock = std::make_shared<FixedClock>();
  hse::fuzz::expect_only_hse_errors("answer", [&] {
    switch (call % 8) {
      case 0:
      case 1:
      case 2: {
        hse::adapters::fourhse::FourHseOptions o;
        o.access_token = "SECRET-TOKEN";
        o.max_rows_per_page = 500;
        o.clock = clock;
        hse::adapters::fourhse::FourHseRemote remote(o, std::make_shared<Canned>(answer));
        const char* entity = hse::schema::entities()[call % 4].name.c_str();
        if (call % 8 == 0) {
          // The pull reads the same page from its text: the same rows, or the same failure.
          const json body{{"per-page", 100}};
          std::string listed_error, pulled_error;
          size_t listed = 0, pulled = 0;
          try {
            auto page = remote.list_pages(entity, body, {1}).at(0);
            if (page.rows.size() > 500 || page.page < 1) std::abort();
            listed = page.rows.size();
          } catch (const hse::Error& e) {
            listed_error = e.what();
          }
          try {
            pulled = remote.pull_pages(entity, body, {1}).at(0).rows.size();
          } catch (const hse::Error& e) {
            pulled_error = e.what();
          }
          if (listed_error != pulled_error || listed != pulled) std::abort();
        } else if (call % 8 == 1) {
          remote.view(entity, "0b5a7d60-3fc9-4e2a-9d1a-6e5b4c8f7a01");
        } else {
          remote.create(entity, json{{"name", "x"}});
        }
        break;
      }
      case 3:
      case 4:
      case 5: {
        hse::adapters::statuspage::StatusPageOptions o;
        o.access_token = "SECRET-TOKEN";
        o.max_rows_per_page = 100;
        o.max_comments_per_incident = 100;
        o.clock = clock;
        hse::adapters::statuspage::StatusPageRemote remote(o, std::make_shared<Canned>(answer));
        if (call % 8 == 3) remote.list("statuspage_incident", json{{"page", 1}, {"per-page", 20}});
        else if (call % 8 == 4) remote.view("statuspage_incident", "7");
        else remote.create("statuspage_comment", json{{"incident", "7"}, {"comment", "x"}, {"internal", false}});
        break;
      }
      case 6:
        (void)http::gunzip(answer.body, 1 << 20);
        break;
      default: {
        auto seconds = http::parse_retry_after(answer.body, clock->now_ms());
        if (seconds && *seconds < 0) std::abort();
      }
    }
  });
  return 0;
}
