// hse-sync: the command-line face of a replica. JSON on stdout, human messages on
// stderr, and an exit code per error class (see --help). Arguments are parsed by
// CLI11: --help per command, typo hints, --flag=value.
#include <iostream>
#include <sstream>

#include "bindings/cli/cli_commands.hpp"

namespace {

// The exit codes, from the one error table (core/error.cpp).
std::string exit_codes() {
  std::ostringstream out;
  out << "exit codes: 0 success, 2 usage error, otherwise 10 + the error class:\n";
  for (const auto& c : hse::error_codes())
    if (c.code != hse::Code::ok)
      out << "  " << hse::cli::exit_code(c.code) << " " << c.name << (c.transient ? " (transient: retrying may help)" : "")
          << "\n";
  return out.str();
}

void report(const hse::Error& e) {
  std::cerr << "hse-sync: " << hse::code_name(e.code()) << ": " << e.what() << "\n";
  if (e.fields().empty()) return;
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& f : e.fields()) fields.push_back({{"field", f.field}, {"message", f.message}});
  std::cerr << fields.dump() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hse-sync: an offline-first replica of a 4HSE v2 or status-page API", "hse-sync"};
  app.footer(exit_codes());
  app.require_subcommand(1);
  app.fallthrough();  // --db may come after the command too
  std::string db;
  app.add_option("--db", db, "the replica file")->required();
  std::function<nlohmann::json()> action;
  hse::cli::add_commands(app, db, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and the usage
    return 2;
  }
  try {
    std::cout << action().dump(2) << std::endl;
    return 0;
  } catch (const hse::Error& e) {
    report(e);
    return hse::cli::exit_code(e.code());
  } catch (const std::exception& e) {
    std::cerr << "hse-sync: internal: " << e.what() << "\n";
    return hse::cli::exit_code(hse::Code::internal);
  }
}
