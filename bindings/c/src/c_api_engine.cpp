// The C API's open/close, local reads and writes. Every function: guarded().
#include "bindings/c/src/c_api_engine.hpp"

#include <string_view>

#include "adapters/remote_factory.hpp"
#include "bindings/c/src/c_api_guard.hpp"

using hse::capi::engine_of;
using hse::capi::guarded;
using hse::capi::parse_arg;
using hse::capi::require;
using hse::capi::set_out;
using json = nlohmann::json;

// The header's version must be the project's (CMake passes it in).
static_assert(HSE_VERSION_NUMBER == HSE_PROJECT_VERSION_NUMBER,
              "hsesync.h HSE_VERSION_NUMBER is not the project version");
static_assert(std::string_view(HSE_VERSION) == HSE_PROJECT_VERSION, "hsesync.h HSE_VERSION is not the project version");

namespace hse::capi {

hse::engine::Engine& engine_of(hse_engine* handle) {
  require(handle, "engine");
  return *handle->engine;
}

}  // namespace hse::capi

namespace {

// Out parameters start NULL, so a failure never leaves the caller a stale pointer.
void reset(char** out) {
  if (out) *out = nullptr;
}

}  // namespace

extern "C" {

const char* hse_version(void) noexcept { return HSE_VERSION; }
int hse_version_number(void) noexcept { return HSE_VERSION_NUMBER; }

hse_code hse_open(const char* path, const char* config_json, hse_engine** out) noexcept {
  if (out) *out = nullptr;
  return guarded([&] {
    require(path, "path");
    require(out, "out");
    json config = config_json ? parse_arg(config_json, "config_json") : json::object();
    hse::engine::EngineOptions options;
    options.remote_factory = hse::adapters::make_remote;
    auto handle = std::make_unique<hse_engine>();
    handle->engine = hse::engine::Engine::open(path, config, std::move(options));
    *out = handle.release();
  });
}

void hse_close(hse_engine* engine) noexcept {
  // The engine's destructor stops the scheduler; a failure there has nowhere to go.
  try {
    delete engine;
  } catch (...) {
  }
}

hse_code hse_create(hse_engine* engine, const char* entity, const char* json_text, char** out_json) noexcept {
  reset(out_json);
  return guarded([&] {
    auto& e = engine_of(engine);
    require(entity, "entity");
    set_out(out_json, e.create(entity, parse_arg(json_text, "json")));
  });
}

hse_code hse_create_many(hse_engine* engine, const char* entity, const char* json_array, char** out_json) noexcept {
  reset(out_json);
  return guarded([&] {
    auto& e = engine_of(engine);
    require(entity, "entity");
    json bodies = parse_arg(json_array, "json_array");
    if (!bodies.is_array())
      throw hse::Error(hse::Code::invalid, "json_array must be a JSON array", {{"json_array", "must be a JSON array"}});
    set_out(out_json, e.create_many(entity, bodies.get<std::vector<json>>()));
  });
}

hse_code hse_update(hse_engine* engine, const char* entity, const char* id, const char* patch_json,
                    char** out_json) noexcept {
  reset(out_json);
  return guarded([&] {
    auto& e = engine_of(engine);
    require(entity, "entity");
    require(id, "id");
    set_out(out_json, e.update(entity, id, parse_arg(patch_json, "patch_json")));
  });
}

hse_code hse_delete(hse_engine* engine, const char* entity, const char* id, int cascade) noexcept {
  return guarded([&] {
    auto& e = engine_of(engine);
    require(entity, "entity");
    require(id, "id");
    e.remove(entity, id, cascade != 0);
  });
}

hse_code hse_get(hse_engine* engine, const char* entity, const char* id, char** out_json) noexcept {
  reset(out_json);
  return guarded([&] {
    auto& e = engine_of(engine);
    require(entity, "entity");
    require(id, "id");
    require(out_json, "out_json");
    auto row = e.get(entity, id);
    if (!row) throw hse::Error(hse::Code::not_found, std::string("no ") + entity + " with id " + id);
    set_out(out_json, *row);
  });
}

hse_code hse_get_as_of(hse_engine* engine, const char* entity, const char* id, int64_t at_ms,
                       char** out_json) noexcept {
  reset(out_json);
  return guarded([&] {
    auto& e = engine_of(engine);
    require(entity, "entity");
    require(id, "id");
    require(out_json, "out_json");
    auto row = e.get_as_of(entity, id, at_ms);
    if (!row)
      throw hse::Error(hse::Code::not_found,
                       std::string("no ") + entity + " with id " + id + " at " + std::to_string(at_ms));
    set_out(out_json, *row);
  });
}

hse_code hse_query(hse_engine* engine, const char* entity, const char* query_json, char** out_json) noexcept {
  reset(out_json);
  return guarded([&] {
    auto& e = engine_of(engine);
    require(entity, "entity");
    require(out_json, "out_json");
    json body = query_json ? parse_arg(query_json, "query_json") : json::object();
    set_out(out_json, e.query(entity, body));
  });
}

hse_code hse_history(hse_engine* engine, const char* entity, const char* id, char** out_json) noexcept {
  reset(out_json);
  return guarded([&] {
    auto& e = engine_of(engine);
    require(entity, "entity");
    require(id, "id");
    require(out_json, "out_json");
    json out = json::array();
    for (const auto& v : e.history(entity, id)) out.push_back(v.to_json());
    set_out(out_json, out);
  });
}

hse_code hse_journal(hse_engine* engine, const char* filter_json, char** out_json) noexcept {
  reset(out_json);
  return guarded([&] {
    auto& e = engine_of(engine);
    require(out_json, "out_json");
    json filter = filter_json ? parse_arg(filter_json, "filter_json") : json::object();
    json out = json::array();
    for (const auto& entry : e.journal(filter)) out.push_back(entry.to_json());
    set_out(out_json, out);
  });
}

hse_code hse_retry(hse_engine* engine, int64_t seq) noexcept {
  return guarded([&] { engine_of(engine).retry(seq); });
}

hse_code hse_drop(hse_engine* engine, int64_t seq) noexcept {
  return guarded([&] { engine_of(engine).drop(seq); });
}

hse_code hse_status(hse_engine* engine, char** out_json) noexcept {
  reset(out_json);
  return guarded([&] {
    auto& e = engine_of(engine);
    require(out_json, "out_json");
    set_out(out_json, e.status());
  });
}

}  // extern "C"
