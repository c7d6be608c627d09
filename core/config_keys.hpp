// The configuration's keys: each one's type, default, allowed values and meaning,
// in one table. engine/config/config.cpp parses a replica's configuration against
// it (core/remote_config.cpp the "remote" section, which adapters read), and
// docs/CONFIG.md documents it (tests/unit/config checks the two agree both ways).
// Thread-safe: the table is immutable.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace hse {

enum class KeyType {
  integer,      // a JSON integer in [min, max]
  number,       // a JSON number in [min, max]
  boolean,
  string,
  choice,       // one of `choices` ("full|normal")
  string_list,  // an array of strings
  policy,       // a conflict policy name, or an object of field -> policy name
};

struct ConfigKey {
  std::string_view name;      // dotted path; "<entity>" and "<field>" stand for any such name
  KeyType type;
  std::string_view fallback;  // the default as JSON text; "" when the key has none
  double min = 0, max = 0;    // integer and number keys
  std::string_view choices;   // choice keys: "a|b"
  std::string_view meaning;
};

// Every key, in the order docs/CONFIG.md lists them.
const std::vector<ConfigKey>& config_keys();
// The key called `name`. Throws Error(internal) when the table has none (a bug).
const ConfigKey& config_key(std::string_view name);
const char* to_string(KeyType t);
// What the key allows, as docs/CONFIG.md writes it: "1..32", "full|normal", "".
std::string allowed_text(const ConfigKey& k);

// Readers for the parsers. Each takes the JSON object holding the key's last part
// (`section`) and the key's full name, and answers the value there, else the key's
// default. Bad values throw Error(invalid) with a field named after the key and a
// message saying what is allowed ("must be an integer in 1..32").
int64_t read_integer(const nlohmann::json& section, std::string_view name);
double read_number(const nlohmann::json& section, std::string_view name);
bool read_boolean(const nlohmann::json& section, std::string_view name);
std::string read_string(const nlohmann::json& section, std::string_view name);
std::string read_choice(const nlohmann::json& section, std::string_view name);
std::vector<std::string> read_string_list(const nlohmann::json& section, std::string_view name);

// Refuses what `section` (the object at `prefix`, "" for the top) holds that the
// table does not list: Error(invalid) naming the unknown key. Also refuses a
// section that is not an object (null is taken as empty).
void refuse_unknown(const nlohmann::json& section, std::string_view prefix);

}  // namespace hse
