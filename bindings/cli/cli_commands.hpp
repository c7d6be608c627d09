// The commands of hse-sync. Each takes its arguments after the command name and
// returns the JSON it prints on stdout; failures throw hse::Error.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "engine/engine.hpp"

namespace hse::cli {

using json = nlohmann::json;
using Args = std::vector<std::string>;

struct Command {
  std::string name;
  std::string usage;  // the arguments, for --help
  size_t min_args;
  std::function<json(const std::string& db_path, const Args& args)> run;
};

const std::vector<Command>& commands();

// The exit code of an error class: 10 + the C API's hse_code (2 is a usage error).
int exit_code(Code c);

}  // namespace hse::cli
