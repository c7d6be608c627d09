// A name quoted as an SQL identifier, for the emulator's tables built from the catalog.
#pragma once

#include <string>
#include <string_view>

namespace hse::adapters::emulator {

inline std::string ident(std::string_view name) { return "\"" + std::string(name) + "\""; }

}  // namespace hse::adapters::emulator
