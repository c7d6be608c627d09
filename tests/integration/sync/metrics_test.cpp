// hse-sync run --metrics: /metrics answers in the Prometheus text format while a
// round runs, and its counters move as rounds end; /status is the replica's status.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>

#include "core/error.hpp"
#include "tests/integration/sync/fixture.hpp"
#include "tests/support/http_client.hpp"

namespace hse::test {
namespace {

// A port nothing listens on right now (the kernel's pick, released at once).
uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// The value of the sample `name` (with its labels, as written) in `text`; -1 when absent.
double sample(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  return -1;
}

class Metrics : public SyncTest {
 protected:
  std::vector<std::string> options() override { return {"--demo", "--demo-size", "3000", "--seed", "7"}; }
};

TEST_F(Metrics, CountersMoveAsRoundsEnd) {
  Replica r = replica("metrics", {"--config", R"({"sync":{"per_page":50,"interval_s":1}})"});
  const uint16_t port = free_port();
  Process daemon(bin_path("hse-sync"), {"--db", r.path(), "run", "--metrics", "127.0.0.1:" + std::to_string(port)});
  HttpClient http(port);

  // The first scrape comes while the bootstrap (the first round) runs.
  std::string first;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    try {
      auto answer = http.get("/metrics");
      ASSERT_EQ(answer.status, 200);
      EXPECT_NE(answer.header("content-type").find("text/plain"), std::string::npos);
      first = answer.body;
      break;
    } catch (const hse::Error&) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no /metrics on port " << port;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  for (const char* name : {"hse_rounds_total{result=\"ok\"}", "hse_rows_pulled_total", "hse_rows_pushed_total",
                           "hse_pending", "hse_held", "hse_rejected", "hse_conflicts",
                           "hse_last_success_timestamp_seconds", "hse_round_duration_seconds_count"})
    EXPECT_GE(sample(first, name), 0) << name << " missing from\n" << first;
  EXPECT_NE(first.find("# TYPE hse_round_duration_seconds histogram"), std::string::npos);

  // A local write shows as pending, and once rounds end the counters have moved.
  auto [office, project] = active_office();
  // The first scrape may come before the bootstrap has brought the office.
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60); !r.get("office", office);) {
    ASSERT_LT(std::chrono::steady_clock::now(), until) << "the office never reached the replica";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  r.create("incident", {{"name", "seen by the metrics"}, {"date_incident", "2026-11-28"}, {"tenant_id", project},
                        {"subtenant_id", office}});
  std::string later;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    later = http.get("/metrics").body;
    if (sample(later, "hse_rows_pushed_total") >= 1 && sample(later, "hse_rows_pulled_total") > 0) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << later;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GT(sample(later, "hse_rounds_total{result=\"ok\"}"), sample(first, "hse_rounds_total{result=\"ok\"}"));
  EXPECT_GT(sample(later, "hse_round_duration_seconds_count"), sample(first, "hse_round_duration_seconds_count"));
  EXPECT_GT(sample(later, "hse_last_success_timestamp_seconds"), 1.7e9);
  EXPECT_EQ(sample(later, "hse_round_duration_seconds_bucket{le=\"+Inf\"}"),
            sample(later, "hse_round_duration_seconds_count"));

  auto status = http.get("/status");
  EXPECT_EQ(status.status, 200);
  json st = json::parse(status.body);
  EXPECT_TRUE(st.contains("pending") && st.contains("conflicts"));
  EXPECT_GE(st["rounds"]["ok"].get<int>(), 1);
  EXPECT_EQ(http.get("/nothing").status, 404);

  int exit_status = daemon.stop(SIGTERM, std::chrono::seconds(30));
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0) << exit_status;
}

TEST_F(Metrics, ABadAddressIsRefusedAsInvalid) {
  Replica r = replica("metrics_bad");
  Process daemon(bin_path("hse-sync"), {"--db", r.path(), "run", "--metrics", "localhost:http"});
  int exit_status = daemon.stop(0, std::chrono::seconds(30));
  ASSERT_TRUE(WIFEXITED(exit_status)) << exit_status;
  EXPECT_EQ(WEXITSTATUS(exit_status), 11);  // invalid
}

}  // namespace
}  // namespace hse::test
