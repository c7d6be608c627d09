// bench sync: the sync round against a real hse-emulator over loopback HTTP.
//
// One emulator holds the demo plus --demo-size N actions and N incidents; the Italian
// project's scope then holds >= 100,000 of them. In the same run:
//   floor      the scope's pages fetched and parsed by the same adapter (FourHseRemote
//              through connect_fourhse), same per-page, window and pool, nothing written;
//   bootstrap  the same scope into an empty replica through the engine (make_remote),
//              each in a fresh child process so its peak RSS (ru_maxrss) is its own;
//              the German scope (2/3 of the rows) shows how memory grows with rows;
//   resync     a second round with nothing changed, of each scope in a child process
//              of its own (its peak RSS: the ids a re-sync keeps grow with the scope),
//              then of the big scope here: seconds, rows written, requests,
//              the client's CPU seconds and the bytes the emulator wrote (resync_bytes),
//              then once more with the emulator's gzip on (resync_bytes_gzip; the client
//              always sends Accept-Encoding: gzip, the 4HSE documents do not say whether
//              the real server compresses);
//   push       10,000 creates made offline, then pushed: ops/s of the push phase.
//   push_rtt50 on its own emulator answering every request 50 ms late (/_admin/faults
//              latency_ms): 1,000 offline updates and 200 offline creates, one sync.
//              Its baseline is the serial bound, the requests the push made (counted by
//              the emulator) times 50 ms; push_rtt50_speedup = that bound / the push's time.
// Also sweeps sync.per_page and sync.concurrency. One JSON object per line; the last
// one holds the headline figures.
//
// CPU: floor_client_cpu_s and bootstrap_client_cpu_s are getrusage(RUSAGE_SELF) deltas
// (user + system, every thread) of the process doing the work, around the fetch loop
// in this process and around Engine::sync() in the bootstrap's child; the emulator is
// a process of its own and is never counted. On 2 cores shared with the emulator the
// wall-clock rate is bounded by the emulator; CPU seconds are the client's own cost.
//
// Environment: HSE_BENCH_SYNC_ONLY=bootstrap runs the floor, the bootstrap (default
// settings), the memory step and the re-syncs only (no sweep, no push). With
// HSE_BENCH_SYNC_DEMO_SIZE=N the emulator holds N extra actions and N incidents (the big
// scope about 1.2 N rows): the stretch run, not in CI, is
//   HSE_BENCH_SYNC_ONLY=bootstrap HSE_BENCH_SYNC_DEMO_SIZE=834000 bench/run sync
// (1,000,000 rows in the big scope; about 2 GB of disk in /tmp for the two databases).
// HSE_BENCH_SYNC_ONLY=push_rtt50 runs that step alone (seconds, not the
// 84,000-row setup); HSE_BENCH_RTT50_SCALE=0.1 scales its counts down for a quick run.
// HSE_BENCH_SYNC_ONLY=push runs the loopback push alone, on a small emulator, at the
// default push concurrency and serially (its baseline): push_ops_per_s and the speed-up.
// At a speed-up of 1 the step takes about 2 minutes (2,200 requests x 50 ms).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/fourhse/connect.hpp"
#include "adapters/http/client.hpp"
#include "adapters/remote_factory.hpp"
#include "core/config_keys.hpp"
#include "engine/engine.hpp"
#include "schema/catalog.hpp"
#include "adapters/emulator/process.hpp"

using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr int kDemoSize = 84'000;  // 6 of the 10 demo offices are Italian: 1.2 * N rows there
constexpr int kPushes = 10'000;
constexpr int kRtt50LatencyMs = 50;
constexpr int kRtt50Updates = 1'000;
constexpr int kRtt50Creates = 200;
constexpr int kRtt50PushConcurrency = 8;  // sync.push_concurrency's default
const std::vector<std::string> kEntities = {"project", "office", "action", "incident"};

double seconds_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}
// Peak RSS of this process image. Not getrusage's ru_maxrss: Linux carries that across
// fork and exec, so a child would report its parent's peak (the floor's pages).
// VmHWM belongs to the address space exec made.
double peak_rss_mb() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (f && std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  if (f) std::fclose(f);
  if (kb < 0) {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    kb = ru.ru_maxrss;
  }
  return double(kb) / 1024.0;
}

// CPU seconds (user + system) of this process so far, every thread.
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// A configuration key's default, from the one table (core/config_keys.cpp).
int default_of(const char* key) { return std::stoi(std::string(hse::config_key(key).fallback)); }

struct Settings {
  int per_page = default_of("sync.per_page");        // the pull's defaults
  int concurrency = default_of("sync.concurrency");  // pages in flight per batch: 2 * concurrency; pool: concurrency
};

std::string scope_field(const std::string& e) {
  if (e == "project") return "project_id";
  if (e == "office") return "project_id";
  return "tenant_id";
}

json replica_config(const std::string& url, const std::string& project, const Settings& s) {
  return {{"remote", {{"kind", "fourhse"}, {"url", url}, {"pool_size", s.concurrency}}},
          {"scopes", {{"projects", {project}}}},
          {"sync", {{"per_page", s.per_page}, {"concurrency", s.concurrency}}}};
}

// The floor: what pull.cpp's scan does on the wire (page 1, then batches of 2 *
// concurrency pages through list_pages), parsed into rows, nothing written.
json floor_run(const std::string& url, const std::string& project, const Settings& s) {
  hse::adapters::fourhse::Endpoints ep;
  ep.api_url = url;
  ep.http.pool_size = size_t(s.concurrency);
  auto remote = hse::adapters::fourhse::connect_fourhse({}, ep);
  const int window = s.concurrency * 2;
  auto t0 = SteadyClock::now();
  const double cpu0 = cpu_seconds();
  long rows = 0;
  for (const auto& e : kEntities) {
    json body = {{"per-page", s.per_page}, {"history", true}, {"filter", {{scope_field(e), project}}}};
    json first = body;
    first["page"] = 1;
    auto p1 = remote->list(e, first);
    rows += long(p1.rows.size());
    for (int from = 2; from <= p1.page_count; from += window) {
      std::vector<int> batch;
      for (int p = from; p < from + window && p <= p1.page_count; ++p) batch.push_back(p);
      for (const auto& page : remote->list_pages(e, body, batch)) rows += long(page.rows.size());
    }
  }
  double secs = seconds_since(t0);
  return {{"rows", rows}, {"seconds", secs}, {"rows_per_s", rows / secs}, {"client_cpu_s", cpu_seconds() - cpu0}};
}

// Child mode: bootstrap `db` from the scope and print {rows, seconds, rows_per_s, peak_rss_mb}.
int child_bootstrap(const std::string& url, const std::string& project, const Settings& s, const std::string& db) {
  hse::engine::EngineOptions opts;
  opts.remote_factory = hse::adapters::make_remote;
  double rss_before = peak_rss_mb();
  auto engine = hse::engine::Engine::open(db, replica_config(url, project, s), opts);
  auto t0 = SteadyClock::now();
  const double cpu0 = cpu_seconds();
  json report = engine->sync();
  const double cpu = cpu_seconds() - cpu0;
  double secs = seconds_since(t0);
  if (!report.value("ok", false)) {
    std::cerr << "bootstrap failed: " << report.dump() << "\n";
    return 1;
  }
  long rows = report["stats"]["pulled"].get<long>();
  std::cout << json{{"rows", rows}, {"seconds", secs}, {"rows_per_s", rows / secs},
                    {"peak_rss_mb", peak_rss_mb()}, {"rss_at_start_mb", rss_before}, {"client_cpu_s", cpu}}
                   .dump()
            << std::endl;
  return 0;
}

// Child mode: one round of the replica `db` (its stored configuration), nothing changed
// since its bootstrap; prints {rows_written, unchanged, peak_rss_mb, client_cpu_s}.
int child_resync(const std::string& db) {
  hse::engine::EngineOptions opts;
  opts.remote_factory = hse::adapters::make_remote;
  auto engine = hse::engine::Engine::open(db, json::object(), opts);
  const double cpu0 = cpu_seconds();
  json report = engine->sync();
  const double cpu = cpu_seconds() - cpu0;
  if (!report.value("ok", false)) {
    std::cerr << "re-sync failed: " << report.dump() << "\n";
    return 1;
  }
  std::cout << json{{"rows_written", report["stats"]["pulled"]}, {"unchanged", report["stats"]["unchanged"]},
                    {"peak_rss_mb", peak_rss_mb()}, {"client_cpu_s", cpu}}
                   .dump()
            << std::endl;
  return 0;
}

// This program again in a child mode; its one JSON line.
json run_self(const std::vector<std::string>& args) {
  hse::adapters::emulator::Process child(fs::read_symlink("/proc/self/exe").string(), args);
  std::string line = child.wait_for_line("{", std::chrono::minutes(60));
  child.stop(SIGTERM, std::chrono::seconds(30));
  return json::parse(line);
}

json run_child_resync(const std::string& db) { return run_self({"--child-resync", db}); }

json run_child(const std::string& url, const std::string& project, const Settings& s, const std::string& db) {
  fs::remove(db);
  fs::remove(db + "-wal");
  fs::remove(db + "-shm");
  return run_self({"--child-bootstrap", url, project, std::to_string(s.per_page), std::to_string(s.concurrency), db});
}

json get_json(hse::adapters::http::Client& c, const std::string& method, const std::string& target,
              const std::string& body = "", hse::adapters::http::Response* raw = nullptr) {
  hse::adapters::http::Request r;
  r.method = method;
  r.target = target;
  r.body = body;
  if (!body.empty()) r.headers["Content-Type"] = "application/json";
  auto resp = c.send(r);
  if (raw) *raw = resp;
  return json::parse(resp.body);
}

long scope_rows(hse::adapters::http::Client& c, const std::string& project) {
  long n = 0;
  for (const char* e : {"action", "incident"}) {
    hse::adapters::http::Response raw;
    get_json(c, "POST", std::string("/v2/") + e + "/index",
             json{{"per-page", 1}, {"history", true}, {"filter", {{"tenant_id", project}}}}.dump(), &raw);
    n += std::stol(raw.header("x-pagination-total-count"));
  }
  return n;
}

void print(json j) { std::cout << j.dump() << std::endl; }

// The emulator's projects, the one with the most actions and incidents first.
std::vector<std::pair<long, std::string>> projects_by_rows(hse::adapters::http::Client& c) {
  std::vector<std::pair<long, std::string>> out;
  for (const auto& p : get_json(c, "POST", "/v2/project/index", R"({"history":true})"))
    out.emplace_back(scope_rows(c, p["project_id"]), p["project_id"]);
  std::sort(out.begin(), out.end(), std::greater<>());
  return out;
}

long requests_served(hse::adapters::http::Client& admin) {
  return get_json(admin, "GET", "/_admin/stats")["total"].get<long>();
}

// A round with nothing changed on either side: seconds, client CPU seconds, rows
// written, requests and the bytes the emulator wrote for them.
json resync(hse::engine::Engine& engine, hse::adapters::http::Client& admin) {
  json before = get_json(admin, "GET", "/_admin/stats");
  auto t0 = SteadyClock::now();
  const double cpu0 = cpu_seconds();
  json re = engine.sync();
  const double cpu = cpu_seconds() - cpu0;
  const double secs = seconds_since(t0);
  json after = get_json(admin, "GET", "/_admin/stats");
  if (!re.value("ok", false)) throw std::runtime_error("re-sync failed: " + re.dump());
  return {{"seconds", secs}, {"client_cpu_s", cpu}, {"rows_written", re["stats"]["pulled"]},
          {"unchanged", re["stats"]["unchanged"]},
          {"requests", after["total"].get<long>() - before["total"].get<long>()},
          {"bytes", after["bytes_out"].get<long>() - before["bytes_out"].get<long>()}};
}

// The ids of up to `n` rows of `entity` in the replica.
std::vector<std::string> local_ids(hse::engine::Engine& engine, const std::string& entity, size_t n) {
  const std::string& key = hse::schema::entity(entity).key;
  std::vector<std::string> ids;
  for (int page = 1; ids.size() < n; ++page) {
    json items = engine.query(entity, {{"per-page", 1000}, {"page", page}})["items"];
    if (items.empty()) break;
    for (const auto& row : items)
      if (ids.size() < n) ids.push_back(row[key]);
  }
  return ids;
}

// `n` creates made offline in `engine` (bootstrapped from `project`), then one sync:
// the push phase's ops/s, from its phase event to the pull's.
json push_creates(hse::engine::Engine& engine, hse::adapters::http::Client& admin, const std::string& project, int n) {
  json office = get_json(admin, "POST", "/v2/office/index",
                         json{{"filter", {{"project_id", project}}}, {"per-page", 1}}.dump())[0];
  std::vector<json> bodies;
  for (int i = 0; i < n; ++i)
    bodies.push_back({{"action_type", "CHECK"}, {"name", "Bench push " + std::to_string(i)},
                      {"description", "created offline by bench_sync"},
                      {"subtenant_id", office["office_id"]}, {"tenant_id", project}});
  for (int i = 0; i < n; i += 1000)
    engine.create_many("action", std::vector<json>(bodies.begin() + i, bodies.begin() + std::min(n, i + 1000)));
  SteadyClock::time_point push_start{}, push_end{};
  engine.set_event_sink([&](const json& ev) {
    if (ev.value("type", "") != "phase") return;
    if (ev.value("phase", "") == "push") push_start = SteadyClock::now();
    if (ev.value("phase", "") == "pull") push_end = SteadyClock::now();
  });
  const long before = requests_served(admin);
  json pr = engine.sync();
  engine.set_event_sink(nullptr);
  const long requests = requests_served(admin) - before;
  const double push_s = std::chrono::duration<double>(push_end - push_start).count();
  return {{"bench", "sync"}, {"step", "push"}, {"pushed", pr["stats"]["pushed"]}, {"push_s", push_s},
          {"ops_per_s", pr["stats"]["pushed"].get<double>() / push_s},
          {"round_s", pr["duration_ms"].get<double>() / 1000.0}, {"round_requests", requests}, {"ok", pr["ok"]}};
}

// The loopback push on its own emulator, at the default push concurrency and at 1 (the
// serial push, the baseline): `n` offline creates each, into fresh replicas.
json push_loopback(const fs::path& dir, int n) {
  auto emu = hse::adapters::emulator::start_emulator({"--demo-size", "100", "--seed", "1", "--admin"},
                                                     std::chrono::minutes(1));
  const std::string url = "http://127.0.0.1:" + std::to_string(emu.port);
  hse::adapters::http::ClientOptions co;
  co.base_url = url;
  hse::adapters::http::Client admin(co);
  const std::string project = projects_by_rows(admin).front().second;
  json out = {{"bench", "sync"}, {"step", "push_loopback"}, {"creates", n}};
  for (int concurrency : {kRtt50PushConcurrency, 1}) {
    const std::string db = (dir / ("push" + std::to_string(concurrency) + ".db")).string();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
    hse::engine::EngineOptions opts;
    opts.remote_factory = hse::adapters::make_remote;
    json config = {{"remote", {{"kind", "fourhse"}, {"url", url}}},
                   {"scopes", {{"projects", {project}}}},
                   {"sync", {{"push_concurrency", concurrency}}}};
    auto engine = hse::engine::Engine::open(db, config, opts);
    if (!engine->sync().value("ok", false)) throw std::runtime_error("push_loopback: the bootstrap failed");
    json r = push_creates(*engine, admin, project, n);
    if (!r["ok"].get<bool>()) throw std::runtime_error("push_loopback: the push failed");
    out[concurrency == 1 ? "serial_ops_per_s" : "push_ops_per_s"] = r["ops_per_s"];
    engine.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
  }
  out["push_concurrency"] = kRtt50PushConcurrency;
  out["speedup_over_serial"] = out["push_ops_per_s"].get<double>() / out["serial_ops_per_s"].get<double>();
  print(out);
  return out;
}

// The push on a slow network: its own emulator, the replica bootstrapped before the
// latency is set, then `updates` updates (distinct rows) and `creates` creates offline
// and one sync. Requests are counted by the emulator up to the pull phase's event: the
// push has every answer by then, and no pull request is counted yet since each is
// counted only once its 50 ms have passed, far longer than the event takes to arrive.
json push_rtt50(const fs::path& dir, int updates, int creates) {
  auto emu = hse::adapters::emulator::start_emulator(
      {"--demo-size", std::to_string(updates), "--seed", "1", "--admin"}, std::chrono::minutes(1));
  const std::string url = "http://127.0.0.1:" + std::to_string(emu.port);
  hse::adapters::http::ClientOptions co;
  co.base_url = url;
  hse::adapters::http::Client admin(co), sink_admin(co);
  const std::string project = projects_by_rows(admin).front().second;

  // The engine sizes the HTTP pool for push_concurrency entries in flight.
  json config = {{"remote", {{"kind", "fourhse"}, {"url", url}}},
                 {"scopes", {{"projects", {project}}}},
                 {"sync", {{"push_concurrency", kRtt50PushConcurrency}}}};  // the pull's defaults
  const std::string db = (dir / "rtt50.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
  hse::engine::EngineOptions opts;
  opts.remote_factory = hse::adapters::make_remote;
  auto engine = hse::engine::Engine::open(db, config, opts);
  json boot = engine->sync();
  if (!boot.value("ok", false)) throw std::runtime_error("push_rtt50 bootstrap failed: " + boot.dump());

  get_json(admin, "POST", "/_admin/faults", json{{"latency_ms", kRtt50LatencyMs}}.dump());
  std::vector<std::string> actions = local_ids(*engine, "action", size_t(updates));
  std::vector<std::string> incidents = local_ids(*engine, "incident", size_t(updates) - actions.size());
  if (long(actions.size() + incidents.size()) < updates)
    throw std::runtime_error("push_rtt50: the scope has fewer than " + std::to_string(updates) + " rows to update");
  for (size_t i = 0; i < actions.size(); ++i)
    engine->update("action", actions[i], {{"description", "edited offline " + std::to_string(i)}});
  for (size_t i = 0; i < incidents.size(); ++i)
    engine->update("incident", incidents[i], {{"description", "edited offline " + std::to_string(i)}});
  json office = get_json(admin, "POST", "/v2/office/index",
                         json{{"filter", {{"project_id", project}}}, {"per-page", 1}}.dump())[0];
  std::vector<json> bodies;
  for (int i = 0; i < creates; ++i)
    bodies.push_back({{"action_type", "CHECK"}, {"name", "Bench rtt50 " + std::to_string(i)},
                      {"subtenant_id", office["office_id"]}, {"tenant_id", project}});
  if (creates > 0) engine->create_many("action", bodies);

  SteadyClock::time_point push_start{}, push_end{};
  long at_pull = -1;
  engine->set_event_sink([&](const json& ev) {
    if (ev.value("type", "") != "phase") return;
    if (ev.value("phase", "") == "push" && push_start == SteadyClock::time_point{}) push_start = SteadyClock::now();
    if (ev.value("phase", "") == "pull" && at_pull < 0) {
      push_end = SteadyClock::now();
      at_pull = requests_served(sink_admin);
    }
  });
  const long before = requests_served(admin);
  json pr = engine->sync();
  engine->set_event_sink(nullptr);
  const long round_requests = requests_served(admin) - before;
  if (at_pull < 0) {  // the round ended before its pull (its report says why): all of it was push
    push_end = SteadyClock::now();
    at_pull = before + round_requests;
  }
  const long requests = at_pull - before;
  const double push_s = std::chrono::duration<double>(push_end - push_start).count();
  const double bound_s = double(requests) * kRtt50LatencyMs / 1000.0;
  const long pushed = pr["stats"].value("pushed", 0L);
  json step = {{"bench", "sync"}, {"step", "push_rtt50"}, {"latency_ms", kRtt50LatencyMs},
               {"updates", updates}, {"creates", creates}, {"push_concurrency", kRtt50PushConcurrency},
               {"pushed", pushed}, {"push_requests", requests}, {"round_requests", round_requests}, {"push_s", push_s},
               {"serial_bound_s", bound_s}, {"push_rtt50_ops_per_s", pushed / push_s},
               {"push_rtt50_speedup", bound_s / push_s}, {"round_s", pr["duration_ms"].get<double>() / 1000.0},
               {"pending_after", engine->status()["pending"]}, {"ok", pr["ok"]}};
  if (!pr.value("ok", false)) step["error"] = pr["error"];
  print(step);
  engine.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
  return step;
}

double env_scale(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 1.0;
  double x = std::stod(v);
  if (!(x > 0 && x <= 1)) throw std::runtime_error(std::string(name) + " must be a number in (0, 1]");
  return x;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc == 3 && std::string(argv[1]) == "--child-resync") return child_resync(argv[2]);
  if (argc == 7 && std::string(argv[1]) == "--child-bootstrap")
    return child_bootstrap(argv[2], argv[3], {std::stoi(argv[4]), std::stoi(argv[5])}, argv[6]);
  // The floor alone against a running emulator (for profiling beside --child-bootstrap).
  if (argc == 6 && std::string(argv[1]) == "--floor") {
    print(floor_run(argv[2], argv[3], {std::stoi(argv[4]), std::stoi(argv[5])}));
    return 0;
  }

  fs::path dir = fs::temp_directory_path() / ("hse-bench-sync-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const double rtt50_scale = env_scale("HSE_BENCH_RTT50_SCALE");
  const int rtt50_updates = std::max(1, int(kRtt50Updates * rtt50_scale));
  const int rtt50_creates = std::max(1, int(kRtt50Creates * rtt50_scale));
  const char* only = std::getenv("HSE_BENCH_SYNC_ONLY");
  const bool bootstrap_only = only && std::string(only) == "bootstrap";
  if (only && *only && !bootstrap_only) {
    if (std::string(only) == "push") {
      push_loopback(dir, kPushes);
    } else if (std::string(only) == "push_rtt50") {
      json r = push_rtt50(dir, rtt50_updates, rtt50_creates);
      print({{"bench", "sync"},
             {"push_rtt50_ops_per_s", r["push_rtt50_ops_per_s"]},
             {"push_rtt50_speedup", r["push_rtt50_speedup"]}});
    } else {
      throw std::runtime_error("HSE_BENCH_SYNC_ONLY: only bootstrap, push or push_rtt50 runs alone");
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
  }
  int demo_size = kDemoSize;
  if (const char* v = std::getenv("HSE_BENCH_SYNC_DEMO_SIZE"); v && *v) {
    demo_size = std::stoi(v);
    if (demo_size < 1000 || demo_size > 10'000'000)
      throw std::runtime_error("HSE_BENCH_SYNC_DEMO_SIZE must be an integer in 1000..10000000");
  }
  auto t_seed = SteadyClock::now();
  auto emu = hse::adapters::emulator::start_emulator({"--demo-size", std::to_string(demo_size), "--seed", "1", "--admin"},
                                       std::chrono::minutes(30));
  const std::string url = "http://127.0.0.1:" + std::to_string(emu.port);
  hse::adapters::http::ClientOptions co;
  co.base_url = url;
  hse::adapters::http::Client admin(co);

  // The two projects: the Italian one (6 offices) is the big scope.
  auto projects = projects_by_rows(admin);
  const auto [big_rows, big] = projects.at(0);
  const auto [small_rows, small] = projects.at(1);
  print({{"bench", "sync"}, {"step", "setup"}, {"demo_size", demo_size}, {"scope_rows", big_rows},
         {"small_scope_rows", small_rows}, {"emulator_seed_s", seconds_since(t_seed)}});

  // Sweep: each setting's floor beside its bootstrap.
  const Settings kDefault{};
  // (per_page 100 was tried too: 760 rows/s, floor 810 rows/s; left out, it takes minutes.)
  std::vector<Settings> sweep = {{500, 4}, {500, 8}, {1000, 2}, {1000, 4}, {1000, 8}};
  if (bootstrap_only) sweep = {kDefault};
  json headline_boot, headline_floor;
  double best_rate = 0;
  Settings best;
  for (const auto& s : sweep) {
    json fl = floor_run(url, big, s);
    json bs = run_child(url, big, s, (dir / "big.db").string());
    double ratio = fl["rows_per_s"].get<double>() / bs["rows_per_s"].get<double>();
    print({{"bench", "sync"}, {"step", "bootstrap"}, {"per_page", s.per_page}, {"concurrency", s.concurrency},
           {"rows", bs["rows"]}, {"rows_per_s", bs["rows_per_s"]}, {"floor_rows_per_s", fl["rows_per_s"]},
           {"ratio_to_floor", ratio}, {"peak_rss_mb", bs["peak_rss_mb"]}, {"client_cpu_s", bs["client_cpu_s"]},
           {"floor_client_cpu_s", fl["client_cpu_s"]},
           {"cpu_ratio_to_floor", bs["client_cpu_s"].get<double>() / fl["client_cpu_s"].get<double>()}});
    if (bs["rows_per_s"].get<double>() > best_rate) best_rate = bs["rows_per_s"].get<double>(), best = s;
    if (s.per_page == kDefault.per_page && s.concurrency == kDefault.concurrency) headline_boot = bs, headline_floor = fl;
  }
  print({{"bench", "sync"}, {"step", "best_settings"}, {"per_page", best.per_page}, {"concurrency", best.concurrency},
         {"rows_per_s", best_rate}});

  // Memory growth: the small scope (about 2/3 of the rows) against the big one.
  json small_boot = run_child(url, small, kDefault, (dir / "small.db").string());
  // The headline replica again (the sweep left the last setting's file behind).
  json big_boot = bootstrap_only ? headline_boot : run_child(url, big, kDefault, (dir / "big.db").string());
  print({{"bench", "sync"}, {"step", "memory"}, {"rows_small", small_boot["rows"]},
         {"peak_rss_mb_small", small_boot["peak_rss_mb"]}, {"rows_big", big_boot["rows"]},
         {"peak_rss_mb_big", big_boot["peak_rss_mb"]},
         {"mb_per_100k_rows_growth",
          (big_boot["peak_rss_mb"].get<double>() - small_boot["peak_rss_mb"].get<double>()) * 100'000.0 /
              double(big_boot["rows"].get<long>() - small_boot["rows"].get<long>())}});

  // Re-sync with nothing changed, each scope in a child: its memory against the rows.
  json small_re = run_child_resync((dir / "small.db").string());
  json big_re = run_child_resync((dir / "big.db").string());
  print({{"bench", "sync"}, {"step", "resync_memory"}, {"rows_small", small_boot["rows"]},
         {"peak_rss_mb_small", small_re["peak_rss_mb"]}, {"client_cpu_s_small", small_re["client_cpu_s"]},
         {"rows_big", big_boot["rows"]}, {"peak_rss_mb_big", big_re["peak_rss_mb"]},
         {"client_cpu_s_big", big_re["client_cpu_s"]},
         {"rows_written", small_re["rows_written"].get<long>() + big_re["rows_written"].get<long>()}});

  // Re-sync with nothing changed here: as the documented server answers (no
  // compression), then with the emulator's gzip on.
  hse::engine::EngineOptions opts;
  opts.remote_factory = hse::adapters::make_remote;
  auto engine = hse::engine::Engine::open((dir / "big.db").string(), json::object(), opts);
  json re = resync(*engine, admin);
  get_json(admin, "POST", "/_admin/gzip", R"({"enabled":true})");
  json re_gz = resync(*engine, admin);
  get_json(admin, "POST", "/_admin/gzip", R"({"enabled":false})");
  const long resync_written = re["rows_written"].get<long>() + re_gz["rows_written"].get<long>() +
                             small_re["rows_written"].get<long>() + big_re["rows_written"].get<long>();
  print({{"bench", "sync"}, {"step", "resync"}, {"seconds", re["seconds"]}, {"client_cpu_s", re["client_cpu_s"]},
         {"rows_written", re["rows_written"]}, {"unchanged", re["unchanged"]}, {"requests", re["requests"]},
         {"bytes", re["bytes"]}, {"gzip_seconds", re_gz["seconds"]}, {"gzip_client_cpu_s", re_gz["client_cpu_s"]},
         {"gzip_rows_written", re_gz["rows_written"]}, {"gzip_bytes", re_gz["bytes"]}});

  json headline = {{"bench", "sync"},
                   {"scope_rows", big_rows},
                   {"bootstrap_rows_per_s", headline_boot["rows_per_s"]},
                   {"ratio_to_floor", headline_floor["rows_per_s"].get<double>() / headline_boot["rows_per_s"].get<double>()},
                   {"bootstrap_client_cpu_s", headline_boot["client_cpu_s"]},
                   {"floor_client_cpu_s", headline_floor["client_cpu_s"]},
                   {"cpu_ratio_to_floor",
                    headline_boot["client_cpu_s"].get<double>() / headline_floor["client_cpu_s"].get<double>()},
                   {"rows_small", small_boot["rows"]},
                   {"peak_rss_mb_small", small_boot["peak_rss_mb"]},
                   {"peak_rss_mb", big_boot["peak_rss_mb"]},
                   {"resync_s", re["seconds"]},
                   {"resync_client_cpu_s", re["client_cpu_s"]},
                   {"resync_peak_rss_mb_small", small_re["peak_rss_mb"]},
                   {"resync_peak_rss_mb", big_re["peak_rss_mb"]},
                   {"resync_rows_written", resync_written},
                   {"resync_requests", re["requests"]},
                   {"resync_bytes", re["bytes"]},
                   {"resync_bytes_gzip", re_gz["bytes"]}};
  if (bootstrap_only) {
    engine.reset();
    print(headline);
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
  }

  // 10,000 creates made offline, then pushed.
  json push = push_creates(*engine, admin, big, kPushes);
  print(push);
  const double push_ops = push["ops_per_s"].get<double>();
  engine.reset();

  json rtt50 = push_rtt50(dir, rtt50_updates, rtt50_creates);

  headline["push_ops_per_s"] = push_ops;
  headline["push_rtt50_ops_per_s"] = rtt50["push_rtt50_ops_per_s"];
  headline["push_rtt50_speedup"] = rtt50["push_rtt50_speedup"];
  print(headline);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "bench_sync: " << e.what() << "\n";
  return 1;
}
