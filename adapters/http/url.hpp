// URL pieces the HTTP client and the API adapters share: the client's base URL,
// percent-encoding for query and form values, and the redaction of secrets from any
// target that may end up in an error message or a log line.
// Thread-safe: free functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace hse::adapters::http {

struct BaseUrl {
  bool tls = false;    // https
  std::string host;    // a name, an IPv4 address, or an IPv6 address without brackets
  uint16_t port = 0;   // 80 / 443 when the URL gives none
  std::string prefix;  // path prefix without a trailing '/', "" for none

  // "host" or "host:port" (brackets around IPv6), as the Host header wants it.
  std::string authority() const;
  // True when `host` is an IP literal (no SNI, and the certificate is checked by IP).
  bool host_is_ip() const;
};

// Parses "http://host[:port][/prefix]" or "https://...". Throws hse::Error(Code::invalid)
// naming what is wrong for any other scheme, an empty host, a bad port, a query or a fragment.
BaseUrl parse_base_url(std::string_view url);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string percent_encode(std::string_view value);

// The reverse; text with a malformed escape ('%' without two hex digits) is returned
// as it is, not half decoded. `plus_is_space`: form and query encoding, where '+'
// stands for a space.
std::string percent_decode(std::string_view text, bool plus_is_space = true);
// application/x-www-form-urlencoded text (a form body, or a target's query) as a
// map, names and values decoded; the first occurrence of a name wins. Throws
// hse::Error(Code::invalid) when the text is not a valid RFC 3986 query.
std::map<std::string, std::string> parse_form(std::string_view text);

// Parsing, decoding and form reading above are Boost.URL's; this one stays by hand:
// it must work on any text, valid URL or not, since it runs on what goes into error
// messages.
// The target with the value of every secret-bearing query parameter (access-token,
// access_token, token, refresh_token, password, client_secret) replaced by "***".
// Anything printed about a request goes through this.
std::string redact_target(std::string_view target);

}  // namespace hse::adapters::http
