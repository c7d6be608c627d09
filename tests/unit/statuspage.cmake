hse_test(statuspage_remote_test
  SOURCES unit/statuspage/remote_test.cpp unit/statuspage/factory_test.cpp unit/http/test_server.cpp
  LIBS hse_statuspage hse_remotes Boost::boost OpenSSL::SSL OpenSSL::Crypto
  LABELS unit)
