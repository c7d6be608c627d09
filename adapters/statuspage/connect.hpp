// Builds a StatusPageRemote that talks over real sockets through one http::Client.
#pragma once

#include <memory>
#include <string>

#include "adapters/http/client.hpp"
#include "adapters/statuspage/statuspage_remote.hpp"

namespace hse::adapters::statuspage {

// `url`: "https://status.example.com[/prefix]"; the API's paths (/incident...) are
// appended to it. `http`: TLS (verification on unless turned off), CA file, timeouts,
// pool size; its base_url is ignored, and its body limit is lowered to
// options.max_body_bytes. Throws hse::Error(Code::invalid) for a bad URL, an unreadable
// CA file, or options StatusPageRemote refuses. Connects lazily: nothing is sent
// before the first call.
std::unique_ptr<StatusPageRemote> connect_statuspage(StatusPageOptions options, const std::string& url,
                                                     http::ClientOptions http);

}  // namespace hse::adapters::statuspage
