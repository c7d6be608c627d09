#include "bindings/cli/cli_commands.hpp"


#include "adapters/remote_factory.hpp"
#include "bindings/cli/daemon.hpp"
#include "core/json_input.hpp"
#include "core/secret_file.hpp"
#include <iostream>
#include <sstream>

namespace hse::cli {

namespace {

json parse_json_arg(const std::string& text, const std::string& what) { return parse_json(text, what); }

std::unique_ptr<engine::Engine> open(const std::string& db) {
  engine::EngineOptions options;
  options.remote_factory = adapters::make_remote;
  return engine::Engine::open(db, json::object(), options);
}

// The values after each `flag` in args.
std::vector<std::string> flag_values(const Args& args, const std::string& flag) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == flag) out.push_back(args[i + 1]);
  return out;
}
// The value after the first `flag`, or "".
std::string flag_value(const Args& args, const std::string& flag) {
  auto all = flag_values(args, flag);
  return all.empty() ? "" : all.front();
}
bool has_flag(const Args& args, const std::string& flag) {
  for (const auto& a : args)
    if (a == flag) return true;
  return false;
}

json cmd_init(const std::string& db, const Args& args) {
  json remote = json::object();
  const std::string kind = flag_value(args, "--kind").empty() ? "fourhse" : flag_value(args, "--kind");
  if (kind != "fourhse" && kind != "statuspage")
    throw Error(Code::invalid, "unknown remote kind '" + kind + "'", {{"--kind", "must be fourhse or statuspage"}});
  if (kind == "statuspage" && !flag_value(args, "--oauth-token-url").empty())
    throw Error(Code::invalid, "the status-page API takes a bearer token, not OAuth", {{"--oauth-token-url", "is for --kind fourhse"}});
  if (kind == "statuspage" && !flag_values(args, "--project").empty())
    throw Error(Code::invalid, "the status-page API has no projects", {{"--project", "is for --kind fourhse"}});
  remote["kind"] = kind;
  std::string url = flag_value(args, "--remote");
  if (url.empty()) throw Error(Code::invalid, "init needs --remote URL", {{"--remote", "is required"}});
  remote["url"] = url;
  std::string token = flag_value(args, "--token");
  if (token.empty() && !flag_value(args, "--token-file").empty())
    token = read_secret_file(flag_value(args, "--token-file"), "--token-file");
  if (token.empty() && std::getenv("HSE_TOKEN")) token = std::getenv("HSE_TOKEN");
  if (!token.empty()) {
    remote["access_token"] = token;
  } else if (!flag_value(args, "--oauth-token-url").empty()) {
    std::string password = flag_value(args, "--password-file").empty()
                               ? (std::getenv("HSE_PASSWORD") ? std::getenv("HSE_PASSWORD") : "")
                               : read_secret_file(flag_value(args, "--password-file"), "--password-file");
    remote["oauth"] = {{"token_url", flag_value(args, "--oauth-token-url")},
                       {"client_id", flag_value(args, "--client-id")},
                       {"username", flag_value(args, "--username")},
                       {"password", password}};
  }
  json config = {{"remote", remote}};
  if (!flag_value(args, "--ca-file").empty()) config["remote"]["ca_file"] = flag_value(args, "--ca-file");
  auto projects = flag_values(args, "--project");
  if (!projects.empty()) config["scopes"] = {{"projects", projects}};
  // Anything else of the configuration (policies, sync settings), merged over the above.
  if (!flag_value(args, "--config").empty()) {
    json extra = parse_json_arg(flag_value(args, "--config"), "--config");
    if (!extra.is_object()) throw Error(Code::invalid, "--config must be a JSON object", {{"--config", "must be a JSON object"}});
    if (extra.contains("remote")) throw Error(Code::invalid, "--config cannot set the remote", {{"--config", "remote is set by --remote"}});
    config.merge_patch(extra);
  }
  auto engine = engine::Engine::open(db, config);
  // Never echo the secrets back.
  return {{"initialized", db}, {"kind", kind}, {"remote", url}, {"projects", projects}};
}

json cmd_create(const std::string& db, const Args& a) { return open(db)->create(a[0], parse_json_arg(a[1], "JSON")); }
json cmd_update(const std::string& db, const Args& a) {
  return open(db)->update(a[0], a[1], parse_json_arg(a[2], "JSON"));
}
json cmd_delete(const std::string& db, const Args& a) {
  open(db)->remove(a[0], a[1], has_flag(a, "--cascade"));
  return {{"deleted", a[1]}, {"entity", a[0]}};
}
json cmd_get(const std::string& db, const Args& a) {
  auto row = open(db)->get(a[0], a[1]);
  if (!row) throw Error(Code::not_found, "no " + a[0] + " with id " + a[1]);
  return *row;
}
json cmd_query(const std::string& db, const Args& a) {
  return open(db)->query(a[0], a.size() > 1 ? parse_json_arg(a[1], "QUERY_JSON") : json::object());
}
json cmd_journal(const std::string& db, const Args&) {
  json out = json::array();
  for (const auto& e : open(db)->journal()) out.push_back(e.to_json());
  return out;
}
json cmd_history(const std::string& db, const Args& a) {
  json out = json::array();
  for (const auto& v : open(db)->history(a[0], a[1])) out.push_back(v.to_json());
  return out;
}

json cmd_status(const std::string& db, const Args&) { return open(db)->status(); }

json cmd_sync(const std::string& db, const Args&) {
  auto engine = open(db);
  engine->set_event_sink([](const json& ev) {
    if (ev["type"] == "page")
      std::cerr << ev["entity"].get<std::string>() << " page " << ev["page"] << "/" << ev["pages"] << "\n";
  });
  json report = engine->sync();
  if (!report["ok"].get<bool>()) {
    // The round's report is still printed: it tells what was done before the failure.
    std::cout << report.dump(2) << std::endl;
    const json& err = report["error"];
    Code code = Code::server;
    for (int c = 1; c <= int(Code::busy); ++c)
      if (err["code"] == code_name(Code(c))) code = Code(c);
    throw Error(code, err["message"].get<std::string>());
  }
  return report;
}

json cmd_conflicts(const std::string& db, const Args&) {
  json out = json::array();
  for (const auto& c : open(db)->conflicts()) out.push_back(c.to_json());
  return out;
}

json cmd_resolve(const std::string& db, const Args& a) {
  std::string take = flag_value(a, "--take");
  if (take.empty()) throw Error(Code::invalid, "resolve needs --take local|remote|JSON", {{"--take", "is required"}});
  json resolution = (take == "local" || take == "remote") ? json{{"take", take}} : json{{"row", parse_json_arg(take, "--take")}};
  open(db)->resolve(a[0], resolution);
  return {{"resolved", a[0]}};
}

}  // namespace

int exit_code(Code c) { return c == Code::ok ? 0 : 10 + int(c); }

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"init", "[--kind fourhse|statuspage] --remote URL (--token T | --token-file F | --oauth-token-url U --client-id C --username N --password-file F) [--project ID]... [--ca-file F] [--config JSON] (policies, sync settings; HSE_TOKEN / HSE_PASSWORD from the environment)", 0, cmd_init},
      {"create", "ENTITY JSON", 2, cmd_create},
      {"update", "ENTITY ID JSON", 3, cmd_update},
      {"delete", "ENTITY ID [--cascade]", 2, cmd_delete},
      {"get", "ENTITY ID", 2, cmd_get},
      {"query", "ENTITY [QUERY_JSON]", 1, cmd_query},
      {"journal", "", 0, cmd_journal},
      {"status", "", 0, cmd_status},
      {"sync", "", 0, cmd_sync},
      {"run", "[--interval SECONDS]", 0, run_daemon},
      {"conflicts", "", 0, cmd_conflicts},
      {"resolve", "CONFLICT_ID --take local|remote|JSON", 3, cmd_resolve},
      {"history", "ENTITY ID", 2, cmd_history},
  };
  return all;
}

}  // namespace hse::cli
