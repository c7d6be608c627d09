// hse-emulator: the 4HSE v2 reference server (and the status-page Incident API on the
// same port) for tests, benchmarks and demos.
// Prints exactly "listening on 127.0.0.1:PORT" on stdout once it accepts connections;
// everything else (errors) goes to stderr. Never prints a token or a password.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "adapters/emulator/emulator.hpp"
#include "adapters/emulator/server.hpp"
#include "core/error.hpp"

namespace emu = hse::adapters::emulator;

namespace {

constexpr const char* kUsage =
    "usage: hse-emulator --port P [--token T] [--user NAME:PASSWORD]... [--token-ttl S]\n"
    "                    [--demo] [--demo-size N] [--admin] [--faults JSON] [--seed N] [--db FILE]\n"
    "                    [--gzip]\n"
    "  --port 0 picks a free port. Without --token and --user no request needs a token.\n"
    "  --demo-size N adds N actions and N incidents to the demo data set (implies --demo).\n"
    "  --admin serves /_admin/ (reset, historicize, restore, faults, stats, gzip).\n"
    "  --gzip answers gzip to requests that accept it (off: the 4HSE documents do not say).\n"
    "  Serves the 4HSE v2 API under /v2/ and the status-page Incident API under /incident\n"
    "  (same tokens, same database, same faults).\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "hse-emulator: " << message << "\n" << kUsage;
  std::exit(2);
}

long long number(const std::string& option, const std::string& value, long long min, long long max) {
  try {
    size_t used = 0;
    long long v = std::stoll(value, &used);
    if (used == value.size() && v >= min && v <= max) return v;
  } catch (const std::exception&) {
  }
  usage_error(option + " needs an integer between " + std::to_string(min) + " and " + std::to_string(max));
}

}  // namespace

int main(int argc, char** argv) {
  emu::EmulatorOptions options;
  long long port = -1;
  std::string faults;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--port") port = number(arg, value(), 0, 65535);
    else if (arg == "--token") options.token = value();
    else if (arg == "--user") {
      std::string v = value();
      auto colon = v.find(':');
      if (colon == std::string::npos || colon == 0) usage_error("--user needs NAME:PASSWORD");
      options.users[v.substr(0, colon)] = v.substr(colon + 1);
    } else if (arg == "--token-ttl") options.token_ttl_s = int(number(arg, value(), 1, 86'400 * 365));
    else if (arg == "--demo") options.demo = true;
    else if (arg == "--demo-size") options.demo_size = int(number(arg, value(), 0, 10'000'000));
    else if (arg == "--admin") options.admin = true;
    else if (arg == "--gzip") options.gzip = true;
    else if (arg == "--faults") faults = value();
    else if (arg == "--seed") options.seed = uint64_t(number(arg, value(), 0, (1LL << 62)));
    else if (arg == "--db") options.db_path = value();
    else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else usage_error("unknown option " + arg);
  }
  if (port < 0) usage_error("--port is required");
  try {
    if (!faults.empty()) options.faults = emu::FaultConfig::from_json(nlohmann::json::parse(faults));
  } catch (const hse::Error& e) {
    std::string fields;
    for (const auto& f : e.fields()) fields += " " + f.field + " " + f.message + ";";
    usage_error("--faults:" + fields);
  } catch (const std::exception& e) {
    usage_error(std::string("--faults is not JSON: ") + e.what());
  }
  try {
    emu::Emulator emulator(options);
    emu::Server server(emulator, uint16_t(port));
    server.stop_on_signals();
    std::printf("listening on 127.0.0.1:%u\n", unsigned(server.port()));
    std::fflush(stdout);
    server.run();
  } catch (const std::exception& e) {
    std::cerr << "hse-emulator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
