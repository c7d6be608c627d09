// The content hash replicas stored before it had its marker: FNV-1a 64 over the
// row's canonical bytes (normalize(row).dump() without parent_active), 16 hex digits.
// Written out here, apart from row_codec.cpp, so the tests hold the engine to it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/store/row_codec.hpp"
#include "schema/catalog.hpp"

namespace hse::test {

inline std::string legacy_hash(const schema::Entity& e, const nlohmann::json& row) {
  nlohmann::json fields = engine::store::normalize(e, row);
  fields.erase("parent_active");
  uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : fields.dump()) h = (h ^ ch) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace hse::test
