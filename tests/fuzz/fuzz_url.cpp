// The URL pieces: a base URL as a user types it into a config, percent-decoding,
// form parsing (token endpoint bodies, the emulator's queries) and the redaction of
// secrets from targets. Input: byte 0 picks the function, the rest is the text.
#include <cstring>

#include "adapters/http/url.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace http = hse::adapters::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hse::fuzz::Bytes in(data, size);
  const uint8_t which = in.byte();
  const std::string text(in.rest());
  hse::fuzz::expect_only_hse_errors("url", [&] {
    switch (which % 4) {
      case 0: {
        http::BaseUrl u = http::parse_base_url(text);
        if (u.host.empty() || u.port == 0) std::abort();
        if (!u.prefix.empty() && (u.prefix.front() != '/' || u.prefix.back() == '/')) std::abort();
        (void)u.authority();
        (void)u.host_is_ip();
        break;
      }
      case 1:
        // Encoding then decoding gives back the bytes, whatever they are.
        if (http::percent_decode(http::percent_encode(text), false) != text) std::abort();
        (void)http::percent_decode(text);
        break;
      case 2:
        (void)http::parse_form(text);
        break;
      default: {
        std::string redacted = http::redact_target("/v2/x?access-token=" + http::percent_encode(text) + "&" + text);
        if (redacted.find("access-token=***") == std::string::npos) std::abort();
      }
    }
  });
  return 0;
}
