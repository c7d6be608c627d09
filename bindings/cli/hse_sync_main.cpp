// hse-sync: the command-line face of a replica. JSON on stdout, human messages on
// stderr, and an exit code per error class (see --help).
#include <iostream>

#include "bindings/cli/cli_commands.hpp"

namespace {

void usage(std::ostream& out) {
  out << "usage: hse-sync --db FILE COMMAND [ARGS]\n\ncommands:\n";
  for (const auto& c : hse::cli::commands()) out << "  " << c.name << " " << c.usage << "\n";
  out << "\nexit codes: 0 success, 2 usage error, otherwise 10 + the error class:\n";
  for (int c = 1; c <= int(hse::Code::busy); ++c)
    out << "  " << hse::cli::exit_code(hse::Code(c)) << " " << hse::code_name(hse::Code(c))
        << (hse::is_transient(hse::Code(c)) ? " (transient: retrying may help)" : "") << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string db;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      usage(std::cout);
      return 0;
    }
    if (args[i] == "--db" && i + 1 < args.size()) {
      db = args[i + 1];
      args.erase(args.begin() + i, args.begin() + i + 2);
      break;
    }
  }
  if (db.empty() || args.empty()) {
    usage(std::cerr);
    return 2;
  }
  const std::string name = args[0];
  args.erase(args.begin());
  for (const auto& c : hse::cli::commands()) {
    if (c.name != name) continue;
    if (args.size() < c.min_args) {
      std::cerr << "usage: hse-sync --db FILE " << c.name << " " << c.usage << "\n";
      return 2;
    }
    try {
      std::cout << c.run(db, args).dump(2) << std::endl;
      return 0;
    } catch (const hse::Error& e) {
      std::cerr << "hse-sync: " << hse::code_name(e.code()) << ": " << e.what() << "\n";
      if (!e.fields().empty()) {
        nlohmann::json fields = nlohmann::json::array();
        for (const auto& f : e.fields()) fields.push_back({{"field", f.field}, {"message", f.message}});
        std::cerr << fields.dump() << "\n";
      }
      return hse::cli::exit_code(e.code());
    } catch (const std::exception& e) {
      std::cerr << "hse-sync: internal: " << e.what() << "\n";
      return hse::cli::exit_code(hse::Code::internal);
    }
  }
  std::cerr << "hse-sync: unknown command '" << name << "'\n";
  usage(std::cerr);
  return 2;
}
