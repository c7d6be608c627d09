// JSON text that enters from outside (the app's arguments, a config, a server's
// answer, a file) parsed under bounds, so hostile input gets a clear error instead of
// exhausting the stack or the memory. nlohmann's parser is iterative, but copying,
// comparing and dumping a value recurse once per level: tens of thousands of nested
// arrays crash the process later, far from where they came in. Depth is therefore
// checked as the text is parsed, before a value that deep is built, and again
// (without recursion) on values a C++ caller hands in already built.
// Thread-safe: free functions over values.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace hse {

struct JsonLimits {
  // Arrays and objects inside one another. Records, filters and configs nest a few
  // levels; 64 leaves room and stays far from any stack's end.
  int max_depth = 64;
  // Text length in bytes.
  std::size_t max_bytes = 16 * 1024 * 1024;
};

// The deepest nesting of arrays and objects in `text` (0 for a scalar), counted
// without parsing, stopping as soon as it exceeds `stop_above`. Brackets inside
// strings do not count; malformed text is left for the parser to refuse.
int json_text_depth(std::string_view text, int stop_above);

// One past the end of the string, array or object starting at text[at], found by its
// quotes and brackets alone (what lies between is not checked); npos when it does not
// end, or when it nests deeper than `max_depth` (itself being level 1).
std::size_t json_span_end(std::string_view text, std::size_t at, int max_depth);

// The nesting depth of a built value (0 for a scalar), without recursion, stopping as
// soon as it exceeds `stop_above`.
int json_value_depth(const nlohmann::json& value, int stop_above);

// Parses `text`. Throws hse::Error(code) whose message starts with `what` (and whose
// field is `what`) when the text is longer than limits.max_bytes, nests deeper than
// limits.max_depth, or is not JSON. Invalid UTF-8 in a string is "not JSON" too.
nlohmann::json parse_json(std::string_view text, const std::string& what, Code code = Code::invalid,
                          const JsonLimits& limits = {});

// Throws hse::Error(code) naming `what` when `value` nests deeper than `max_depth`.
void check_json_depth(const nlohmann::json& value, const std::string& what, Code code = Code::invalid,
                      int max_depth = JsonLimits{}.max_depth);

}  // namespace hse
