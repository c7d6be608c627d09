#include "adapters/statuspage/connect.hpp"

#include <algorithm>

#include "adapters/http/url.hpp"

namespace hse::adapters::statuspage {

std::unique_ptr<StatusPageRemote> connect_statuspage(StatusPageOptions options, const std::string& url,
                                                     http::ClientOptions http) {
  http::parse_base_url(url);  // names what is wrong before anything else is built
  http.base_url = url;
  http.max_body_bytes = std::min(http.max_body_bytes, options.max_body_bytes);
  auto transport = std::make_shared<http::Client>(std::move(http));
  return std::make_unique<StatusPageRemote>(std::move(options), std::move(transport));
}

}  // namespace hse::adapters::statuspage
