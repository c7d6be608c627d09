// Whether an hse::Error names a field among its field errors.
#pragma once

#include <string>

#include "core/error.hpp"

namespace hse::test {

inline bool names_field(const Error& e, const std::string& field) {
  for (const auto& f : e.fields())
    if (f.field == field) return true;
  return false;
}

}  // namespace hse::test
