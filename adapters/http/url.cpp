#include "adapters/http/url.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>

#include "core/error.hpp"

namespace hse::adapters::http {

namespace urls = boost::urls;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

[[noreturn]] void bad_url(std::string_view url, const std::string& why) {
  // The base URL carries no secret (tokens go in the query of each request), but a
  // user may paste one by mistake: redact before echoing it.
  throw Error(Code::invalid, "invalid base URL '" + redact_target(url) + "': " + why);
}

bool is_secret_param(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kSecret = {
      "access-token", "access_token", "token", "refresh_token", "password", "client_secret"};
  std::string n = lower(name);
  return std::find(kSecret.begin(), kSecret.end(), n) != kSecret.end();
}

}  // namespace

std::string BaseUrl::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if ((tls && port == 443) || (!tls && port == 80)) return h;
  return h + ":" + std::to_string(port);
}

bool BaseUrl::host_is_ip() const {
  if (host.find(':') != std::string::npos) return true;  // IPv6
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

BaseUrl parse_base_url(std::string_view url) {
  // Boost.URL checks the RFC 3986 grammar; what it accepts but a base URL may not
  // hold (another scheme, credentials, a query, no host, port 0) is refused here, each
  // with its own message.
  std::string head = lower(url.substr(0, std::min<size_t>(url.size(), 8)));
  if (head.rfind("https://", 0) != 0 && head.rfind("http://", 0) != 0)
    bad_url(url, "the scheme must be http:// or https://");
  auto parsed = urls::parse_uri(urls::string_view(url.data(), url.size()));
  if (!parsed) bad_url(url, "it is not a valid URL (RFC 3986: " + parsed.error().message() + ")");
  const urls::url_view& u = *parsed;
  BaseUrl out;
  out.tls = u.scheme_id() == urls::scheme::https;
  if (u.has_query() || u.has_fragment()) bad_url(url, "a base URL has no query or fragment");
  if (u.has_userinfo()) bad_url(url, "credentials in the URL are not supported");
  switch (u.host_type()) {
    case urls::host_type::ipv6:
      out.host = u.host_ipv6_address().to_string();
      break;
    case urls::host_type::ipv4:
    case urls::host_type::name:
      out.host = std::string(u.host_address());
      break;
    default:
      bad_url(url, "the host must be a name, an IPv4 or an IPv6 address");
  }
  if (out.host.empty()) bad_url(url, "the host is empty");
  out.port = out.tls ? 443 : 80;
  if (u.has_port() && !u.port().empty()) {
    std::string_view text(u.port().data(), u.port().size());
    unsigned long p = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
    if (ec != std::errc() || ptr != text.data() + text.size() || p == 0 || p > 65535)
      bad_url(url, "the port must be a number from 1 to 65535");
    out.port = static_cast<uint16_t>(p);
  }
  std::string_view path(u.encoded_path().data(), u.encoded_path().size());
  // Boost.URL 1.81 reads "http://h:8x" as port 8 and path "x"; RFC 3986 wants the
  // path after an authority to start with '/'.
  if (!path.empty() && path.front() != '/')
    bad_url(url, u.has_port() ? "the port must be a number from 1 to 65535" : "the path must start with '/'");
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.prefix = std::string(path);
  return out;
}

std::string percent_encode(std::string_view value) {
  if (value.empty()) return {};  // possibly a null pointer: see parse_form
  return urls::encode(urls::string_view(value.data(), value.size()), urls::unreserved_chars);
}

std::string redact_target(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view query = target.substr(q + 1);
  std::string_view fragment;
  if (size_t hash = query.find('#'); hash != std::string_view::npos) {
    fragment = query.substr(hash);
    query = query.substr(0, hash);
  }
  bool first = true;
  while (true) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && is_secret_param(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1)).append("***");
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  out.append(fragment);
  return out;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  if (text.empty()) return {};
  auto valid = urls::make_pct_string_view(urls::string_view(text.data(), text.size()));
  if (!valid) return std::string(text);
  urls::encoding_opts opt;
  opt.space_as_plus = plus_is_space;
  return valid->decode(opt);
}

std::map<std::string, std::string> parse_form(std::string_view text) {
  // A default std::string_view has a null data pointer, which Boost.URL's query
  // parser dereferences (the emulator crashed on "/incident" without a query).
  if (text.empty()) return {};
  auto params = urls::parse_query(urls::string_view(text.data(), text.size()));
  if (!params)
    throw Error(Code::invalid, "malformed form or query (RFC 3986: " + params.error().message() + ")",
                {{"form", "is malformed"}});
  urls::encoding_opts opt;
  opt.space_as_plus = true;
  std::map<std::string, std::string> out;
  for (const auto& p : *params) {
    if (p.key.empty() && !p.has_value) continue;  // "a=1&&b=2"
    out.emplace(p.key.decode(opt), p.has_value ? p.value.decode(opt) : std::string());
  }
  return out;
}

}  // namespace hse::adapters::http
