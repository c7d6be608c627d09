hse_test(http_test
  SOURCES unit/http/client_test.cpp unit/http/tls_test.cpp unit/http/retry_after_test.cpp
          unit/http/url_test.cpp unit/http/test_server.cpp
  LIBS hse_http Boost::boost OpenSSL::SSL OpenSSL::Crypto ZLIB::ZLIB
  LABELS unit
  TIMEOUT 120)
# Its fixture lives in an anonymous namespace, which a unity source would wrap (-Wsubobject-linkage).
set_source_files_properties(unit/http/tls_test.cpp PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
