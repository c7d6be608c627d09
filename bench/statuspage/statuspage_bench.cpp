// bench statuspage: what server-assigned ids cost, against a real hse-emulator over
// loopback HTTP. In the same run:
//   raw    N incident creates and N comment creates sent straight through the adapter
//          (StatusPageRemote over the same HTTP client): the network and the server,
//          nothing else: the floor;
//   push   the same N incidents and N comments created offline in a replica (each
//          comment on an incident still offline), then one round's push phase: every
//          create sent, answered, and its row mapped to the server's id everywhere;
//   pull   a second, empty replica pulling the 2N incidents and their comments (the
//          comments come from one view per incident: the API has no comment list).
// One JSON object per line; the last holds the headline figures.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/remote_factory.hpp"
#include "adapters/statuspage/connect.hpp"
#include "engine/engine.hpp"
#include "adapters/emulator/process.hpp"

using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr int kIncidents = 2'000;
const char* const kToken = "bench-token";

double seconds_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

json incident(int i, const std::string& tag) {
  return {{"scope", 1 + i % 7},
          {"service", 1 + i % 13},
          {"name", tag + " incident " + std::to_string(i)},
          {"description", "bench"},
          {"severity", "moderate"},
          {"start_impact_date", "2026-11-28T09:30"}};
}

json raw_run(const std::string& url) {
  hse::adapters::statuspage::StatusPageOptions options;
  options.access_token = kToken;
  auto remote = hse::adapters::statuspage::connect_statuspage(std::move(options), url, {});
  auto t0 = SteadyClock::now();
  for (int i = 0; i < kIncidents; ++i) {
    json created = remote->create("statuspage_incident", incident(i, "raw"));
    remote->create("statuspage_comment", {{"incident", created["id"]}, {"comment", "raw " + std::to_string(i)}});
  }
  double secs = seconds_since(t0);
  return {{"ops", 2 * kIncidents}, {"seconds", secs}, {"ops_per_s", 2 * kIncidents / secs}};
}

std::unique_ptr<hse::engine::Engine> open_replica(const std::string& path, const std::string& url) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  hse::engine::EngineOptions opts;
  opts.remote_factory = hse::adapters::make_remote;
  json config = {{"remote", {{"kind", "statuspage"}, {"url", url}, {"access_token", kToken}}}};
  return hse::engine::Engine::open(path, config, opts);
}

json push_run(const std::string& url, const std::string& dir) {
  auto engine = open_replica(dir + "/push.db", url);
  for (int i = 0; i < kIncidents; ++i) {
    json row = engine->create("statuspage_incident", incident(i, "offline"));
    engine->create("statuspage_comment", {{"incident", row["id"]}, {"comment", "offline " + std::to_string(i)}});
  }
  // The push phase alone: from its start to the pull's.
  SteadyClock::time_point push_start, pull_start;
  int mapped = 0;
  engine->set_event_sink([&](const json& ev) {
    if (ev["type"] == "phase" && ev["phase"] == "push") push_start = SteadyClock::now();
    if (ev["type"] == "phase" && ev["phase"] == "pull") pull_start = SteadyClock::now();
    if (ev["type"] == "mapped") mapped++;
  });
  json report = engine->sync();
  engine->set_event_sink(nullptr);
  if (!report.value("ok", false)) throw std::runtime_error("push round failed: " + report.dump());
  double secs = std::chrono::duration<double>(pull_start - push_start).count();
  return {{"ops", report["stats"]["pushed"]}, {"mapped", mapped}, {"seconds", secs},
          {"ops_per_s", report["stats"]["pushed"].get<double>() / secs}};
}

json pull_run(const std::string& url, const std::string& dir) {
  auto engine = open_replica(dir + "/pull.db", url);
  auto t0 = SteadyClock::now();
  json report = engine->sync();
  double secs = seconds_since(t0);
  if (!report.value("ok", false)) throw std::runtime_error("pull round failed: " + report.dump());
  long rows = report["stats"]["pulled"].get<long>();
  return {{"rows", rows}, {"seconds", secs}, {"rows_per_s", rows / secs}};
}

}  // namespace

int main() {
  try {
    const fs::path dir = fs::temp_directory_path() / ("hse-bench-sp-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto emu = hse::adapters::emulator::start_emulator({"--token", kToken});
    const std::string url = "http://127.0.0.1:" + std::to_string(emu.port);

    json raw = raw_run(url);
    std::cout << json{{"bench", "statuspage"}, {"phase", "raw"}, {"result", raw}}.dump() << std::endl;
    json push = push_run(url, dir.string());
    std::cout << json{{"bench", "statuspage"}, {"phase", "push"}, {"result", push}}.dump() << std::endl;
    json pull = pull_run(url, dir.string());
    std::cout << json{{"bench", "statuspage"}, {"phase", "pull"}, {"result", pull}}.dump() << std::endl;

    std::cout << json{{"bench", "statuspage"},
                      {"raw_ops_per_s", raw["ops_per_s"]},
                      {"push_ops_per_s", push["ops_per_s"]},
                      {"push_ratio_to_raw", raw["ops_per_s"].get<double>() / push["ops_per_s"].get<double>()},
                      {"pull_rows_per_s", pull["rows_per_s"]}}
                     .dump()
              << std::endl;
    fs::remove_all(dir);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench statuspage: " << e.what() << "\n";
    return 1;
  }
}
