// The C API's sync, scheduler, conflicts and callbacks. Every function: guarded().
#include <cstdlib>
#include <memory>
#include <optional>

#include "bindings/c/src/c_api_engine.hpp"
#include "bindings/c/src/c_api_guard.hpp"
#include "bindings/c/src/c_api_remote_error.hpp"
#include "core/json_input.hpp"

using hse::capi::engine_of;
using hse::capi::guarded;
using hse::capi::parse_arg;
using hse::capi::require;
using hse::capi::set_out;
using json = nlohmann::json;

namespace {

// The code a failed round's report names ({"error": {"code": "network", ...}}).
hse::Code code_from_report(const json& report) {
  // A name the table has not: still a failed remote.
  return hse::code_from_name(report["error"].value("code", "")).value_or(hse::Code::server);
}

}  // namespace

extern "C" {

hse_code hse_sync(hse_engine* engine, char** out_report_json) noexcept {
  if (out_report_json) *out_report_json = nullptr;
  return guarded([&] {
    json report = engine_of(engine).sync();
    // The report is handed out even when the round failed: it tells what was done before.
    set_out(out_report_json, report);
    if (!report.value("ok", false)) {
      hse::capi::throw_round_error(code_from_report(report), report["error"]);
    }
  });
}

hse_code hse_start(hse_engine* engine) noexcept {
  return guarded([&] { engine_of(engine).start(); });
}

hse_code hse_stop(hse_engine* engine) noexcept {
  return guarded([&] { engine_of(engine).stop(); });
}

hse_code hse_wait_synced(hse_engine* engine, int64_t timeout_ms) noexcept {
  return guarded([&] {
    switch (engine_of(engine).wait_synced(timeout_ms)) {
      case hse::engine::SyncWait::synced: return;
      case hse::engine::SyncWait::timeout:
        throw hse::Error(hse::Code::timeout, "not synced within " + std::to_string(timeout_ms) + " ms");
      case hse::engine::SyncWait::unsettled:
        throw hse::Error(hse::Code::unsettled,
                         "what is left waits for the app: rejected or held entries (hse_journal, hse_retry, "
                         "hse_drop) or conflicts (hse_conflicts, hse_resolve)");
    }
  });
}

hse_code hse_conflicts(hse_engine* engine, char** out_json) noexcept {
  if (out_json) *out_json = nullptr;
  return guarded([&] {
    auto& e = engine_of(engine);
    require(out_json, "out_json");
    json out = json::array();
    for (const auto& c : e.conflicts()) out.push_back(c.to_json());
    set_out(out_json, out);
  });
}

hse_code hse_resolve(hse_engine* engine, const char* conflict_id, const char* resolution_json) noexcept {
  return guarded([&] {
    auto& e = engine_of(engine);
    require(conflict_id, "conflict_id");
    e.resolve(conflict_id, parse_arg(resolution_json, "resolution_json"));
  });
}

hse_code hse_set_event_callback(hse_engine* engine, hse_event_fn cb, void* user) noexcept {
  return guarded([&] {
    auto& e = engine_of(engine);
    if (!cb) {
      e.set_event_sink(nullptr);
      return;
    }
    e.set_event_sink([cb, user](const json& event) { cb(user, hse::capi::dump(event).c_str()); });
  });
}

hse_code hse_set_conflict_resolver(hse_engine* engine, hse_resolver_fn cb, void* user) noexcept {
  return guarded([&] {
    auto& e = engine_of(engine);
    if (!cb) {
      e.set_resolver(nullptr);
      return;
    }
    e.set_resolver([cb, user](const json& conflict) -> std::optional<json> {
      char* answer = nullptr;
      int verdict = cb(user, hse::capi::dump(conflict).c_str(), &answer);
      // The answer is the library's from here on, whatever the verdict.
      std::unique_ptr<char, decltype(&std::free)> owned(answer, &std::free);
      if (verdict != HSE_RESOLVE_DECIDED || !owned) return std::nullopt;
      try {
        return hse::parse_json(owned.get(), "the resolver's decision");
      } catch (const hse::Error&) {
        return std::nullopt;  // malformed or too deep: left to the app, as documented
      }
    });
  });
}

}  // extern "C"
