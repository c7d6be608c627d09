#include "adapters/http/url.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "core/error.hpp"

namespace hse::adapters::http {

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
  BaseUrl out;
  std::string_view rest = url;
  std::string head = lower(url.substr(0, std::min<size_t>(url.size(), 8)));
  if (head.rfind("https://", 0) == 0) {
    out.tls = true;
    rest.remove_prefix(8);
  } else if (head.rfind("http://", 0) == 0) {
    rest.remove_prefix(7);
  } else {
    bad_url(url, "the scheme must be http:// or https://");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) bad_url(url, "a base URL has no query or fragment");
  size_t slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (hostport.find('@') != std::string_view::npos) bad_url(url, "credentials in the URL are not supported");

  std::string_view port_text;
  if (!hostport.empty() && hostport.front() == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) bad_url(url, "unterminated IPv6 address");
    out.host = std::string(hostport.substr(1, close - 1));
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad_url(url, "unexpected text after the IPv6 address");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = hostport.rfind(':');
    out.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) port_text = hostport.substr(colon + 1);
  }
  if (out.host.empty()) bad_url(url, "the host is empty");
  out.port = out.tls ? 443 : 80;
  if (!port_text.empty()) {
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || p == 0 || p > 65535)
      bad_url(url, "the port must be a number from 1 to 65535");
    out.port = static_cast<uint16_t>(p);
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.prefix = std::string(path);
  return out;
}

std::string percent_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
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

std::string percent_decode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2])) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_form(std::string_view rest) {
  std::map<std::string, std::string> out;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    if (!pair.empty())
      out.emplace(percent_decode(pair.substr(0, eq)),
                  eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace hse::adapters::http
