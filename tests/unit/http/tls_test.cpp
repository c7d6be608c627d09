// TLS: certificates made at test time; verification and host-name checking on by
// default, a CA file to trust a private CA, and verification off only on request, loudly.
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>

#include "adapters/http/client.hpp"
#include "core/error.hpp"
#include "tests/unit/http/test_server.hpp"

using hse::Code;
using hse::Error;
using hse::adapters::http::Client;
using hse::adapters::http::ClientOptions;
using hse::adapters::http::Request;
using hse::test::CertFiles;
using hse::test::Reply;
using hse::test::Seen;
using hse::test::ServerOptions;
using hse::test::TempDir;
using hse::test::TestServer;
using namespace std::chrono_literals;

namespace {

class HttpTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    good_ = hse::test::make_self_signed(dir_->path(), "good", "IP:127.0.0.1,DNS:localhost");
    other_ = hse::test::make_self_signed(dir_->path(), "other", "DNS:elsewhere.test");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static ServerOptions serving(const CertFiles& c) {
    ServerOptions o;
    o.cert_file = c.cert;
    o.key_file = c.key;
    return o;
  }
  static Reply ok(const Seen& s) {
    Reply r;
    r.body = "sni=" + s.sni;
    return r;
  }
  static Request get() {
    Request r;
    r.target = "/hello?access-token=SECRET";
    return r;
  }
  static std::string failure(Client& client) {
    try {
      client.send(get());
    } catch (const Error& e) {
      // A certificate that fails verification is `tls` (not transient), never `network`.
      EXPECT_EQ(e.code(), Code::tls) << e.what();
      EXPECT_FALSE(is_transient(e.code()));
      return e.what();
    }
    ADD_FAILURE() << "the handshake was accepted";
    return "";
  }

  static inline TempDir* dir_ = nullptr;
  static inline CertFiles good_;
  static inline CertFiles other_;
};

}  // namespace

TEST_F(HttpTls, SelfSignedCertificateIsRefusedByDefault) {
  TestServer server(ok, serving(good_));
  ClientOptions o;
  o.base_url = server.url();
  Client client(o);
  std::string message = failure(client);
  EXPECT_NE(message.find("certificate verification failed"), std::string::npos) << message;
  EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
}

TEST_F(HttpTls, AcceptedWithItsCaFileAndKeptAlive) {
  TestServer server(ok, serving(good_));
  ClientOptions o;
  o.base_url = server.url();
  o.ca_file = good_.cert;
  Client client(o);
  EXPECT_EQ(client.send(get()).status, 200);
  EXPECT_EQ(client.send(get()).body, "sni=");  // no SNI for an IP literal
  EXPECT_EQ(server.connections(), 1u);
}

TEST_F(HttpTls, AcceptedByHostNameWithSni) {
  TestServer server(ok, serving(good_));
  ClientOptions o;
  o.base_url = "https://localhost:" + std::to_string(server.port());
  o.ca_file = good_.cert;
  Client client(o);
  auto resp = client.send(get());
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "sni=localhost");
}

TEST_F(HttpTls, RefusedWhenTheHostNameDoesNotMatch) {
  // Trusted CA, wrong name: the certificate is for elsewhere.test, we dial 127.0.0.1.
  TestServer server(ok, serving(other_));
  ClientOptions o;
  o.base_url = server.url();
  o.ca_file = other_.cert;
  Client client(o);
  std::string message = failure(client);
  EXPECT_NE(message.find("mismatch"), std::string::npos) << message;
}

TEST_F(HttpTls, RefusedWhenTheNameDoesNotMatchADnsHost) {
  TestServer server(ok, serving(other_));
  ClientOptions o;
  o.base_url = "https://localhost:" + std::to_string(server.port());
  o.ca_file = other_.cert;
  Client client(o);
  std::string message = failure(client);
  EXPECT_NE(message.find("mismatch"), std::string::npos) << message;
}

TEST_F(HttpTls, VerificationOffIsAcceptedAndWarnedOnEveryConnection) {
  TestServer server(
      [](const Seen&) {
        Reply r;
        r.headers = {{"Connection", "close"}};
        return r;
      },
      serving(other_));
  std::mutex mu;
  std::vector<std::string> lines;
  ClientOptions o;
  o.base_url = server.url();
  o.verify_peer = false;
  o.log = [&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  };
  Client client(o);
  EXPECT_EQ(client.send(get()).status, 200);
  EXPECT_EQ(client.send(get()).status, 200);
  ASSERT_EQ(lines.size(), 2u);  // two connections, because the server closes each
  EXPECT_NE(lines[0].find("verification is disabled"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("SECRET"), std::string::npos) << lines[0];
}

// A CA file is loaded as OpenSSL loads it: a PEM header around garbage, a file with
// no certificate, or no file at all is refused (invalid, naming remote.ca_file), over
// https and over plain http alike, before anything is sent.
TEST_F(HttpTls, ABadCaFileIsRefusedBeforeAnythingIsSent) {
  EXPECT_NO_THROW(hse::adapters::http::check_ca_file(good_.cert));
  const std::string header_only = dir_->path() + "/header_only.pem";
  std::ofstream(header_only) << "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
  const std::string no_cert = dir_->path() + "/no_cert.pem";
  std::ofstream(no_cert) << "just text\n";
  for (const std::string& path : {header_only, no_cert, dir_->path() + "/missing.pem"}) {
    try {
      hse::adapters::http::check_ca_file(path);
      ADD_FAILURE() << path << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::invalid) << e.what();
      ASSERT_EQ(e.fields().size(), 1u);
      EXPECT_EQ(e.fields()[0].field, "remote.ca_file");
    }
    for (const char* url : {"https://127.0.0.1:1", "http://127.0.0.1:1"}) {
      ClientOptions o;
      o.base_url = url;
      o.ca_file = path;
      EXPECT_THROW(Client c(o), Error) << url << " " << path;
    }
  }
}
