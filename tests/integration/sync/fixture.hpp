// Shared by the sync integration tests: a real hse-emulator process per test, replicas
// driven through real `hse-sync` processes (one process per command, like a user at a
// shell), and the convergence invariant of issue 4 checked against the server.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "tests/support/http_client.hpp"
#include "adapters/emulator/process.hpp"

namespace hse::test {

using json = nlohmann::json;
using adapters::emulator::EmulatorProcess;
using adapters::emulator::Process;
using adapters::emulator::bin_path;
using adapters::emulator::start_emulator;

// The four 4HSE entities, parents first, and their keys.
inline const std::vector<std::pair<std::string, std::string>>& sync_entities() {
  static const std::vector<std::pair<std::string, std::string>> all = {
      {"project", "project_id"}, {"office", "office_id"}, {"action", "action_id"}, {"incident", "office_incident_id"}};
  return all;
}

inline std::string key_of(const std::string& entity) {
  for (const auto& [e, k] : sync_entities())
    if (e == entity) return k;
  throw std::runtime_error("no entity " + entity);
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// What one `hse-sync` command answered: its exit code and its stdout (JSON when it parses).
struct CliResult {
  int code = -1;
  std::string out;
  json body() const {
    try {
      return json::parse(out);
    } catch (const std::exception&) {
      return json();
    }
  }
};

// PRAGMA integrity_check of a replica file, read-only: "ok", or what SQLite found.
inline std::string integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    result.clear();
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK)
      while (sqlite3_step(st) == SQLITE_ROW) result += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return result;
}

// A replica file and the `hse-sync` commands run against it. Its stderr (progress,
// messages) goes to a file next to it and is echoed on failure.
class Replica {
 public:
  Replica(std::filesystem::path dir, std::string name) : db_((dir / (name + ".db")).string()), err_(db_ + ".err") {}

  CliResult run(const std::vector<std::string>& args) const {
    std::string cmd = shell_quote(bin_path("hse-sync")) + " --db " + shell_quote(db_);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " 2>>" + shell_quote(err_);
    CliResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("popen failed");
    char buf[65536];
    size_t n;
    while ((n = ::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }
  // Runs a command that must succeed; its stdout as JSON.
  json ok(const std::vector<std::string>& args) const {
    auto r = run(args);
    EXPECT_EQ(r.code, 0) << "hse-sync " << join(args) << " -> " << r.out << stderr_tail();
    return r.body();
  }
  json init(uint16_t port, const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"init", "--remote", "http://127.0.0.1:" + std::to_string(port)};
    args.insert(args.end(), extra.begin(), extra.end());
    return ok(args);
  }
  json sync() const { return ok({"sync"}); }
  json create(const std::string& e, const json& body) const { return ok({"create", e, body.dump()}); }
  json update(const std::string& e, const std::string& id, const json& patch) const {
    return ok({"update", e, id, patch.dump()});
  }
  void remove(const std::string& e, const std::string& id) const { ok({"delete", e, id}); }
  std::optional<json> get(const std::string& e, const std::string& id) const {
    auto r = run({"get", e, id});
    if (r.code == 12) return std::nullopt;
    EXPECT_EQ(r.code, 0) << r.out << stderr_tail();
    return r.body();
  }
  json status() const { return ok({"status"}); }
  json journal() const { return ok({"journal"}); }
  json conflicts() const { return ok({"conflicts"}); }
  // Every row of `e` (history included), by id.
  std::map<std::string, json> all(const std::string& e, bool history = true) const {
    std::map<std::string, json> out;
    for (int page = 1;; ++page) {
      json b = ok({"query", e, json{{"history", history}, {"per-page", 1000}, {"page", page}}.dump()});
      for (auto& row : b["items"]) out[row[key_of(e)].get<std::string>()] = row;
      if (page >= b["_meta"]["pageCount"].get<int>()) break;
    }
    return out;
  }
  std::string stderr_tail() const {
    std::FILE* f = std::fopen(err_.c_str(), "r");
    if (!f) return "";
    std::string s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    std::fclose(f);
    if (s.size() > 3000) s = s.substr(s.size() - 3000);
    return "\n--- stderr of " + db_ + ":\n" + s;
  }
  const std::string& path() const { return db_; }

 private:
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& a : v) s += a + " ";
    return s;
  }
  std::string db_;
  std::string err_;
};

// One emulator (with --admin) per test, a scratch directory, and helpers to read the
// server directly (never through the replica under test).
class SyncTest : public ::testing::Test {
 protected:
  virtual std::vector<std::string> options() { return {"--demo", "--seed", "42"}; }

  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("hse-sync-it-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    auto args = options();
    args.push_back("--admin");
    emu_.emplace(start_emulator(args));
    client_.emplace(emu_->port, std::chrono::seconds(30));
  }
  void TearDown() override {
    client_.reset();
    if (emu_) {
      int status = emu_->process.stop();
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "emulator exit status " << status;
    }
    std::error_code ec;
    if (!HasFailure()) std::filesystem::remove_all(dir_, ec);
    else std::cerr << "kept " << dir_ << " for inspection\n";
  }

  uint16_t port() const { return emu_->port; }
  HttpClient& server() { return *client_; }
  Replica replica(const std::string& name, const std::vector<std::string>& init_args = {}) {
    Replica r(dir_, name);
    r.init(port(), init_args);
    return r;
  }

  json admin(const std::string& what, const json& body = json::object()) {
    auto r = server().post("/_admin/" + what, body.dump());
    EXPECT_EQ(r.status, 200) << what << ": " << r.body;
    return r.body.empty() ? json() : json::parse(r.body, nullptr, false);
  }
  int64_t requests_served() {
    auto r = server().get("/_admin/stats");
    return json::parse(r.body)["total"].get<int64_t>();
  }
  // Every row of `e` on the server (history included), by id, and how often each id
  // was listed (a row existing twice would show up as a count of 2).
  std::map<std::string, json> server_all(const std::string& e, std::map<std::string, int>* counts = nullptr) {
    std::map<std::string, json> out;
    for (int page = 1;; ++page) {
      auto r = server().post("/v2/" + e + "/index", json{{"history", true}, {"per-page", 1000}, {"page", page}}.dump());
      EXPECT_EQ(r.status, 200) << r.body;
      json rows = json::parse(r.body);
      for (auto& row : rows) {
        std::string id = row[key_of(e)].get<std::string>();
        if (counts) (*counts)[id]++;
        out[id] = row;
      }
      if (rows.size() < 1000) break;
    }
    return out;
  }
  json server_view(const std::string& e, const std::string& id) {
    auto r = server().get("/v2/" + e + "/view/" + id);
    if (r.status == 404) return json();
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }
  json server_create(const std::string& e, const json& body) {
    auto r = server().post("/v2/" + e + "/create", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body);
  }
  json server_update(const std::string& e, const std::string& id, const json& patch) {
    auto r = server().put("/v2/" + e + "/update/" + id, patch.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }
  void server_delete(const std::string& e, const std::string& id) {
    auto r = server().del("/v2/" + e + "/delete/" + id + "?force=true");
    EXPECT_EQ(r.status, 200) << r.body;
  }

  // The invariant: every replica equals the server, row for row and field for field
  // (history included), its journal is empty, and no row exists twice on the server.
  void expect_converged(const std::vector<const Replica*>& replicas) {
    for (const auto& [e, key] : sync_entities()) {
      std::map<std::string, int> counts;
      auto remote = server_all(e, &counts);
      for (const auto& [id, n] : counts) EXPECT_EQ(n, 1) << e << " " << id << " listed " << n << " times";
      for (const Replica* r : replicas) {
        auto local = r->all(e);
        EXPECT_EQ(local.size(), remote.size()) << r->path() << " " << e;
        for (const auto& [id, row] : remote) {
          auto it = local.find(id);
          if (it == local.end()) {
            ADD_FAILURE() << r->path() << ": " << e << " " << id << " missing locally";
            continue;
          }
          EXPECT_EQ(it->second, row) << r->path() << ": " << e << " " << id << " differs";
        }
        for (const auto& [id, row] : local)
          if (!remote.count(id)) ADD_FAILURE() << r->path() << ": " << e << " " << id << " exists only locally";
      }
    }
    for (const Replica* r : replicas) {
      EXPECT_EQ(r->journal(), json::array()) << r->path();
      json st = r->status();
      EXPECT_EQ(st["pending"], 0) << st;
      EXPECT_EQ(st["conflicts"], 0) << st;
      EXPECT_EQ(st["rejected"], 0) << st;
    }
  }

  // A demo office that is active, and its project.
  std::pair<std::string, std::string> active_office() {
    auto r = server().post("/v2/office/index", json{{"per-page", 1}, {"sort", "code"}}.dump());
    json row = json::parse(r.body).at(0);
    return {row["office_id"].get<std::string>(), row["project_id"].get<std::string>()};
  }
  // An active demo action (sorted by code, so the choice is stable for a seed).
  json an_action(int nth = 0) {
    auto r = server().post("/v2/action/index", json{{"per-page", nth + 1}, {"sort", "code"}}.dump());
    return json::parse(r.body).at(nth);
  }

  std::filesystem::path dir_;
  std::optional<EmulatorProcess> emu_;
  std::optional<HttpClient> client_;
};

}  // namespace hse::test
