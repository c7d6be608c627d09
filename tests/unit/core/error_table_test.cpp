// The one error table (core/error.cpp) against its copies: the C header's enum,
// the Python exception classes, and docs/errors.md. Each must list exactly the
// table's codes with the same numbers, names and transience.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "core/error.hpp"

namespace hse {
namespace {

std::string source(const std::string& relative) {
  const char* dir = std::getenv("HSE_SOURCE_DIR");
  std::ifstream in(std::string(dir ? dir : ".") + "/" + relative);
  EXPECT_TRUE(in) << relative << " not found (HSE_SOURCE_DIR)";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string upper(std::string s) {
  for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The table as {number: name}.
std::map<int, std::string> table() {
  std::map<int, std::string> out;
  for (const auto& c : error_codes()) out[int(c.code)] = c.name;
  return out;
}

TEST(ErrorTable, NamesAndTransienceComeFromTheTable) {
  EXPECT_STREQ(code_name(Code::not_found), "not_found");
  EXPECT_STREQ(code_name(Code::unsettled), "unsettled");
  EXPECT_STREQ(code_name(Code(999)), "unknown");
  EXPECT_STREQ(code_name(Code(-1)), "unknown");
  EXPECT_TRUE(is_transient(Code::network) && is_transient(Code::busy));
  EXPECT_FALSE(is_transient(Code::tls) || is_transient(Code::unsettled) || is_transient(Code(999)));
  for (const auto& c : error_codes()) EXPECT_EQ(code_from_name(c.name), c.code) << c.name;
  EXPECT_FALSE(code_from_name("bogus"));
  // The last code is found by name: no loop that stops at an older last code.
  EXPECT_EQ(code_from_name(error_codes().back().name), error_codes().back().code);
}

TEST(ErrorTable, TheCHeaderListsEveryCodeWithItsNumber) {
  const std::string h = source("bindings/c/include/hsesync.h");
  std::map<int, std::string> header;
  std::regex entry(R"(\b(HSE_OK|HSE_ERR_([A-Z_]+))\s*=\s*(\d+))");
  for (auto it = std::sregex_iterator(h.begin(), h.end(), entry); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    header[std::stoi(m[3])] = m[1] == "HSE_OK" ? "OK" : m[2].str();
  }
  std::map<int, std::string> expected;
  for (const auto& [n, name] : table()) expected[n] = upper(name);
  EXPECT_EQ(header, expected);
}

TEST(ErrorTable, ThePythonExceptionsListEveryCodeWithItsTransience) {
  const std::string py = source("bindings/python/hsesync/errors.py");
  std::map<int, std::pair<std::string, bool>> classes;
  std::regex entry(R"re(code, name(, transient)? = (\d+), "([a-z_]+)"(, (True|False))?)re");
  for (auto it = std::sregex_iterator(py.begin(), py.end(), entry); it != std::sregex_iterator(); ++it)
    classes[std::stoi((*it)[2])] = {(*it)[3].str(), (*it)[5] == "True"};
  std::map<int, std::pair<std::string, bool>> expected;
  for (const auto& c : error_codes())
    if (c.code != Code::ok) expected[int(c.code)] = {c.name, c.transient};
  EXPECT_EQ(classes, expected);
}

TEST(ErrorTable, DocsErrorsMdIsTheTable) {
  const std::string md = source("docs/errors.md");
  std::map<int, std::string> rows;
  std::regex row(R"(\| (\d+) \| `([a-z_]+)` \| `(HSE_[A-Z_]+)` \| (yes|no) \| (\d+) \| ([^|]+?) \|)");
  int seen = 0;
  for (auto it = std::sregex_iterator(md.begin(), md.end(), row); it != std::sregex_iterator(); ++it, ++seen) {
    const auto& m = *it;
    const int n = std::stoi(m[1]);
    ASSERT_LT(size_t(n), error_codes().size()) << m[0];
    const CodeInfo& c = error_codes()[size_t(n)];
    EXPECT_EQ(m[2].str(), c.name);
    EXPECT_EQ(m[3].str(), c.code == Code::ok ? std::string("HSE_OK") : "HSE_ERR_" + upper(c.name));
    EXPECT_EQ(m[4] == "yes", c.transient) << c.name;
    EXPECT_EQ(std::stoi(m[5]), c.code == Code::ok ? 0 : 10 + n) << c.name;
    EXPECT_EQ(m[6].str(), c.meaning) << c.name;
    rows[n] = m[2];
  }
  EXPECT_EQ(rows, table());
  EXPECT_EQ(size_t(seen), error_codes().size());
}

}  // namespace
}  // namespace hse
