#include "adapters/http/url.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace hse::adapters::http;

TEST(HttpUrl, ParsesBaseUrls) {
  BaseUrl u = parse_base_url("https://api.4hse.com");
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "api.4hse.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.prefix, "");
  EXPECT_EQ(u.authority(), "api.4hse.com");
  EXPECT_FALSE(u.host_is_ip());

  u = parse_base_url("HTTP://127.0.0.1:8080/api/");
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.prefix, "/api");
  EXPECT_EQ(u.authority(), "127.0.0.1:8080");
  EXPECT_TRUE(u.host_is_ip());

  u = parse_base_url("https://[::1]:8443");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.authority(), "[::1]:8443");
  EXPECT_TRUE(u.host_is_ip());
}

TEST(HttpUrl, RejectsBadBaseUrls) {
  for (const char* bad : {"ftp://x", "x.com", "http://", "http://:80", "http://h:0", "http://h:70000", "http://h:8x",
                          "http://h/p?access-token=1", "http://u:p@h", "http://[::1"}) {
    try {
      parse_base_url(bad);
      ADD_FAILURE() << bad;
    } catch (const hse::Error& e) {
      EXPECT_EQ(e.code(), hse::Code::invalid) << bad;
      EXPECT_EQ(std::string(e.what()).find("access-token=1"), std::string::npos);
    }
  }
}

TEST(HttpUrl, PercentEncodes) {
  EXPECT_EQ(percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

TEST(HttpUrl, RedactsSecretQueryValues) {
  EXPECT_EQ(redact_target("/v2/x/view/1"), "/v2/x/view/1");
  EXPECT_EQ(redact_target("/x?access-token=abc"), "/x?access-token=***");
  EXPECT_EQ(redact_target("/x?a=1&ACCESS-TOKEN=abc&b=2"), "/x?a=1&ACCESS-TOKEN=***&b=2");
  EXPECT_EQ(redact_target("/x?password=p&refresh_token=r&client_secret=s#f"),
            "/x?password=***&refresh_token=***&client_secret=***#f");
  EXPECT_EQ(redact_target("/x?force=true"), "/x?force=true");
}
