// bench_emulator: how fast hse-emulator serves 100-row incident pages.
// Seeds 100,000 incidents (--demo-size), serves every page of the incident index
// (history: true, as a sync pull asks) over HTTP keep-alive from a few connections,
// then answers the same pages through Emulator::handle() in process: the baseline,
// measured in the same run, that shows what the HTTP layer costs.
// Prints one JSON object per line; the last is the summary.
//   bench_emulator [--rows N] [--connections C] [--per-page P]
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/emulator/emulator.hpp"
#include "adapters/emulator/server.hpp"

namespace emu = hse::adapters::emulator;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Rows in a page, counted by their key: exact for these rows and cheap enough that the
// measurement stays the server's, not a JSON parser's.
int64_t rows_in(const std::string& body) {
  int64_t n = 0;
  for (size_t pos = 0; (pos = body.find("\"office_incident_id\":", pos)) != std::string::npos; ++pos) ++n;
  return n;
}

std::string page_body(int page, int per_page) {
  return json{{"history", true}, {"page", page}, {"per-page", per_page}}.dump();
}

// Fetches `pages` over one keep-alive connection; returns the rows received.
int64_t fetch(uint16_t port, const std::vector<int>& pages, int per_page) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  beast::flat_buffer buffer;
  int64_t rows = 0;
  for (int page : pages) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/v2/incident/index", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::content_type, "application/json");
    req.body() = page_body(page, per_page);
    req.prepare_payload();
    bhttp::write(stream, req);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64u << 20);
    bhttp::read(stream, buffer, parser);
    if (parser.get().result_int() != 200) throw std::runtime_error("page " + std::to_string(page) + " answered " +
                                                                   std::to_string(parser.get().result_int()));
    rows += rows_in(parser.get().body());
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 100'000, connections = 4, per_page = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rows") rows = std::stoi(argv[i + 1]);
    else if (a == "--connections") connections = std::stoi(argv[i + 1]);
    else if (a == "--per-page") per_page = std::stoi(argv[i + 1]);
  }

  auto t0 = Clock::now();
  emu::EmulatorOptions options;
  options.demo_size = rows;
  emu::Emulator emulator(options);
  double seed_s = seconds_since(t0);

  hse::adapters::http::Request first{"POST", "/v2/incident/index", {}, page_body(1, per_page)};
  auto probe = emulator.handle(first);
  const int64_t total = std::stoll(probe.header("x-pagination-total-count"));
  const int page_count = std::stoi(probe.header("x-pagination-page-count"));
  std::cout << json{{"bench", "emulator"}, {"phase", "seed"}, {"incidents", total}, {"actions_added", rows},
                    {"seconds", seed_s}}
            << std::endl;

  // Over HTTP: the pages dealt round-robin to the connections.
  emu::Server server(emulator, 0, 2);
  std::thread serving([&] { server.run(); });
  std::vector<std::vector<int>> work(static_cast<size_t>(connections));
  for (int p = 1; p <= page_count; ++p) work[size_t((p - 1) % connections)].push_back(p);
  std::atomic<int64_t> http_rows{0};
  auto t1 = Clock::now();
  std::vector<std::thread> clients;
  for (const auto& pages : work)
    clients.emplace_back([&, pages] { http_rows += fetch(server.port(), pages, per_page); });
  for (auto& c : clients) c.join();
  double http_s = seconds_since(t1);
  server.stop();
  serving.join();
  std::cout << json{{"bench", "emulator"},   {"phase", "http"},         {"connections", connections},
                    {"pages", page_count},   {"rows", http_rows.load()}, {"seconds", http_s},
                    {"rows_per_s", http_rows / http_s}, {"pages_per_s", page_count / http_s}}
            << std::endl;

  // Baseline: the same pages, in process, no sockets.
  int64_t local_rows = 0;
  auto t2 = Clock::now();
  for (int p = 1; p <= page_count; ++p) {
    hse::adapters::http::Request r{"POST", "/v2/incident/index", {}, page_body(p, per_page)};
    auto res = emulator.handle(r);
    local_rows += rows_in(res.body);
  }
  double local_s = seconds_since(t2);
  std::cout << json{{"bench", "emulator"}, {"phase", "inprocess"}, {"pages", page_count}, {"rows", local_rows},
                    {"seconds", local_s}, {"rows_per_s", local_rows / local_s}, {"pages_per_s", page_count / local_s}}
            << std::endl;

  if (http_rows != total || local_rows != total) {
    std::cerr << "bench_emulator: expected " << total << " rows, got " << http_rows << " over HTTP and " << local_rows
              << " in process\n";
    return 1;
  }
  std::cout << json{{"bench", "emulator"},
                    {"rows_per_s", std::llround(http_rows / http_s)},
                    {"pages_per_s", std::llround(page_count / http_s)},
                    {"inprocess_rows_per_s", std::llround(local_rows / local_s)}}
            << std::endl;
  return 0;
}
