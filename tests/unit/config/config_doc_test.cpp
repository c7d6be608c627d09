// docs/CONFIG.md against the key table (core/config_keys.cpp): every key the
// parser knows is documented with its type, default and allowed values, and the
// document lists no key the parser does not know.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "core/config_keys.hpp"

namespace hse {
namespace {

struct DocRow {
  std::string type, fallback, allowed;
};

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}
std::string unquote(std::string s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
  return s;
}

// The rows of the table under "## Keys", by key.
std::map<std::string, DocRow> documented_keys() {
  const char* src = std::getenv("HSE_SOURCE_DIR");
  std::ifstream in(std::string(src ? src : ".") + "/docs/CONFIG.md");
  EXPECT_TRUE(in) << "docs/CONFIG.md not found (HSE_SOURCE_DIR)";
  std::map<std::string, DocRow> rows;
  std::string line;
  bool in_keys = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_keys = line == "## Keys";
    if (!in_keys || line.rfind("| `", 0) != 0) continue;
    // Split on '|' not escaped as "\|".
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
        cell += '|';
        ++i;
      } else if (line[i] == '|') {
        cells.push_back(trim(cell));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    EXPECT_EQ(cells.size(), 5u) << line;
    if (cells.size() != 5) continue;
    const std::string fallback = cells[2] == "—" ? "" : unquote(cells[2]);
    EXPECT_TRUE(rows.emplace(unquote(cells[0]), DocRow{cells[1], fallback, cells[3]}).second) << "twice: " << line;
  }
  return rows;
}

TEST(ConfigDoc, EveryKeyIsDocumentedAsTheParserReadsIt) {
  auto rows = documented_keys();
  ASSERT_FALSE(rows.empty());
  for (const auto& k : config_keys()) {
    const std::string name(k.name);
    auto it = rows.find(name);
    if (it == rows.end()) {
      ADD_FAILURE() << name << " is missing from docs/CONFIG.md";
      continue;
    }
    EXPECT_EQ(it->second.type, to_string(k.type)) << name;
    EXPECT_EQ(it->second.fallback, std::string(k.fallback)) << name;
    EXPECT_EQ(it->second.allowed, allowed_text(k)) << name;
  }
}

TEST(ConfigDoc, EveryDocumentedKeyIsOneTheParserKnows) {
  for (const auto& [name, row] : documented_keys()) {
    bool known = false;
    for (const auto& k : config_keys()) known = known || k.name == name;
    EXPECT_TRUE(known) << "docs/CONFIG.md documents " << name << ", which core/config_keys.cpp does not know";
  }
}

}  // namespace
}  // namespace hse
