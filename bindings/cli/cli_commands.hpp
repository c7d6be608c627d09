// The commands of hse-sync, as CLI11 subcommands. Each parses its own arguments
// (with --help per command, typo hints and --flag=value) and, when chosen, returns
// the JSON hse-sync prints on stdout; failures throw hse::Error.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"

namespace hse::cli {

using json = nlohmann::json;

// Adds every command to `app`. After app.parse(), `action` holds the chosen one.
// `db` is read when the action runs (it is parsed with the commands).
void add_commands(CLI::App& app, const std::string& db, std::function<json()>& action);

// The exit code of an error class: 10 + the C API's hse_code (2 is a usage error).
int exit_code(Code c);

}  // namespace hse::cli
