// The status-page Incident API (docs/api/004, fixed by adapters/statuspage/README.md
// "Wire protocol") over a StatuspageStore: list, view, create, update, delete, comment.
// The Emulator routes `/incident` and `/incident/...` here after its own checks (body
// size, request counting, a wrong token); faults are applied by the transports.
// Not thread-safe: the Emulator serialises every call under its mutex.
#pragma once

#include <nlohmann/json.hpp>

#include "adapters/http/message.hpp"
#include "adapters/emulator/statuspage_store.hpp"
#include "core/clock.hpp"

namespace hse::adapters::emulator {

// What the caller may do, as the emulator's authentication decided it.
enum class Access {
  anonymous,   // no credentials on an emulator that needs them: public reads only
  authorized,  // a valid token, or an emulator that needs none: everything
};

class StatuspageApi {
 public:
  // `store` and `clock` must outlive the API.
  StatuspageApi(StatuspageStore& store, Clock& clock) : store_(store), clock_(clock) {}

  // Answers one request whose path is `/incident` or starts with `/incident/`. Throws
  // only what the store throws (SQLite::Exception); every refusal is an HTTP status.
  http::Response handle(const http::Request& request, Access access);

 private:
  http::Response list(const http::Request&);
  http::Response view(int64_t id, Access);
  http::Response create(const json& body);
  http::Response update(int64_t id, const json& body);
  http::Response remove(int64_t id);
  http::Response comment(int64_t id, const json& body);

  StatuspageStore& store_;
  Clock& clock_;
};

// `ms` since the epoch as the API writes dates: YYYY-MM-DDTHH:MM, UTC.
std::string format_datetime(int64_t ms);

}  // namespace hse::adapters::emulator
