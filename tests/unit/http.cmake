hse_test(http_test
  SOURCES unit/http/client_test.cpp unit/http/tls_test.cpp unit/http/retry_after_test.cpp
          unit/http/url_test.cpp unit/http/test_server.cpp
  LIBS hse_http Boost::boost OpenSSL::SSL OpenSSL::Crypto ZLIB::ZLIB
  LABELS unit
  TIMEOUT 120)
