hse_test(fourhse_test
  SOURCES unit/fourhse/remote_test.cpp unit/fourhse/oauth_test.cpp unit/fourhse/connect_test.cpp
          unit/http/test_server.cpp
  LIBS hse_fourhse Boost::boost OpenSSL::SSL OpenSSL::Crypto
  LABELS unit)
