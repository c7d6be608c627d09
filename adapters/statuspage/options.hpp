// How to reach and authenticate against a status-page Incident API, and the limits
// on what its answers may hold.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "schema/paging.hpp"

namespace hse::adapters::statuspage {

struct StatusPageOptions {
  // Sent as `Authorization: Bearer <token>` on every request; "" sends none (the API
  // then answers GETs with public resources only, and refuses every POST with 401).
  std::string access_token;
  // An incident page holding more rows than this (or than the per_page asked) is
  // refused as malformed (Code::server). At most the API's own cap on per_page
  // (schema::kStatusPagePaging.max_per_page: a larger request gets that many rows).
  int max_rows_per_page = schema::kStatusPagePaging.max_per_page;
  // An incident view holding more comments than this is refused (Code::server).
  int max_comments_per_incident = 10'000;
  // An answer body larger than this is refused (Code::server), whatever the transport.
  // connect_statuspage also lowers the HTTP client's body limit to it, so the client
  // stops reading early.
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  // Reads "now" for Retry-After dates; null means the system clock.
  std::shared_ptr<Clock> clock;
};

}  // namespace hse::adapters::statuspage
