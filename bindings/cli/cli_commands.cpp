#include "bindings/cli/cli_commands.hpp"

#include <cstdlib>
#include <iostream>
#include <memory>

#include "adapters/http/client.hpp"
#include "adapters/remote_factory.hpp"
#include "bindings/cli/daemon.hpp"
#include "core/json_input.hpp"
#include "core/secret_file.hpp"
#include "engine/engine.hpp"

namespace hse::cli {

namespace {

json parse_json_arg(const std::string& text, const std::string& what) { return parse_json(text, what); }

std::unique_ptr<engine::Engine> open(const std::string& db) {
  engine::EngineOptions options;
  options.remote_factory = adapters::make_remote;
  return engine::Engine::open(db, json::object(), options);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// What init is given is checked as the first sync would use it, so that a typo fails
// at init: the CA file is loaded as the HTTP client loads it, and the remote is built
// (its URL parsed, its credentials checked) without sending anything.
void check_remote(const json& remote, const std::string& ca_file) {
  if (!ca_file.empty()) {
    try {
      adapters::http::check_ca_file(ca_file);
    } catch (const Error& e) {
      throw Error(Code::invalid, std::string("--ca-file: ") + e.what(),
                  {{"--ca-file", "must be a readable file of PEM CA certificates"}});
    }
  }
  adapters::make_remote(remote);
}

struct InitArgs {
  std::string kind = "fourhse", remote, token, token_file, oauth_token_url, client_id, username, password_file,
              ca_file, config;
  std::vector<std::string> projects;
};

json cmd_init(const std::string& db, const InitArgs& a) {
  if (a.kind != "fourhse" && a.kind != "statuspage")
    throw Error(Code::invalid, "unknown remote kind '" + a.kind + "'", {{"--kind", "must be fourhse or statuspage"}});
  if (a.kind == "statuspage" && !a.oauth_token_url.empty())
    throw Error(Code::invalid, "the status-page API takes a bearer token, not OAuth", {{"--oauth-token-url", "is for --kind fourhse"}});
  if (a.kind == "statuspage" && !a.projects.empty())
    throw Error(Code::invalid, "the status-page API has no projects", {{"--project", "is for --kind fourhse"}});
  if (a.remote.empty()) throw Error(Code::invalid, "init needs --remote URL", {{"--remote", "is required"}});
  json remote = {{"kind", a.kind}, {"url", a.remote}};
  std::string token = a.token;
  if (token.empty() && !a.token_file.empty()) token = read_secret_file(a.token_file, "--token-file");
  if (token.empty()) token = env("HSE_TOKEN");
  if (!token.empty()) {
    remote["access_token"] = token;
  } else if (!a.oauth_token_url.empty()) {
    std::string password = a.password_file.empty() ? env("HSE_PASSWORD") : read_secret_file(a.password_file, "--password-file");
    remote["oauth"] = {{"token_url", a.oauth_token_url}, {"client_id", a.client_id}, {"username", a.username}, {"password", password}};
  }
  if (!a.ca_file.empty()) remote["ca_file"] = a.ca_file;
  check_remote(remote, a.ca_file);
  json config = {{"remote", remote}};
  if (!a.projects.empty()) config["scopes"] = {{"projects", a.projects}};
  // Anything else of the configuration (policies, sync settings), merged over the above.
  if (!a.config.empty()) {
    json extra = parse_json_arg(a.config, "--config");
    if (!extra.is_object()) throw Error(Code::invalid, "--config must be a JSON object", {{"--config", "must be a JSON object"}});
    if (extra.contains("remote")) throw Error(Code::invalid, "--config cannot set the remote", {{"--config", "remote is set by --remote"}});
    config.merge_patch(extra);
  }
  // The engine checks every key (docs/CONFIG.md) before it stores anything.
  engine::Engine::open(db, config);
  // Never echo the secrets back.
  return {{"initialized", db}, {"kind", a.kind}, {"remote", a.remote}, {"projects", a.projects}};
}

json cmd_sync(const std::string& db) {
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
    throw Error(code_from_name(err.value("code", "")).value_or(Code::server), err["message"].get<std::string>());
  }
  return report;
}

template <class T>
json as_array(const std::vector<T>& items) {
  json out = json::array();
  for (const auto& i : items) out.push_back(i.to_json());
  return out;
}

}  // namespace

int exit_code(Code c) { return c == Code::ok ? 0 : 10 + int(c); }

void add_commands(CLI::App& app, const std::string& db, std::function<json()>& action) {
  // Each command's arguments are shared by the parser (which fills them) and the
  // action (which reads them after parse()).
  {
    auto a = std::make_shared<InitArgs>();
    auto* c = app.add_subcommand("init", "make (or reconfigure) a replica of a remote");
    // Checked by init (exit code invalid, naming the flag), not by the parser (usage).
    c->add_option("--kind", a->kind, "the remote's API: fourhse (the default) or statuspage");
    c->add_option("--remote", a->remote, "the API's base URL (required)");
    c->add_option("--token", a->token, "a static token (prefer --token-file or HSE_TOKEN)");
    c->add_option("--token-file", a->token_file, "a file holding the token");
    c->add_option("--oauth-token-url", a->oauth_token_url, "4HSE: the OAuth2 password-grant token endpoint");
    c->add_option("--client-id", a->client_id, "4HSE: the OAuth2 client id");
    c->add_option("--username", a->username, "4HSE: the account's user name");
    c->add_option("--password-file", a->password_file, "4HSE: a file holding the password (or HSE_PASSWORD)");
    c->add_option("--project", a->projects, "4HSE: a project to mirror (repeatable; default all)");
    c->add_option("--ca-file", a->ca_file, "PEM CA certificates to trust instead of the system's");
    c->add_option("--config", a->config, "JSON merged into the configuration: policies, sync, durability (docs/CONFIG.md)");
    c->callback([&action, &db, a] { action = [&db, a] { return cmd_init(db, *a); }; });
  }
  {
    auto* c = app.add_subcommand("create", "create a row offline; prints it");
    auto entity = std::make_shared<std::string>(), body = std::make_shared<std::string>();
    c->add_option("ENTITY", *entity)->required();
    c->add_option("JSON", *body)->required();
    c->callback([&action, &db, entity, body] {
      action = [&db, entity, body] { return open(db)->create(*entity, parse_json_arg(*body, "JSON")); };
    });
  }
  {
    auto* c = app.add_subcommand("update", "update a row offline with a patch; prints it");
    auto entity = std::make_shared<std::string>(), id = std::make_shared<std::string>(), body = std::make_shared<std::string>();
    c->add_option("ENTITY", *entity)->required();
    c->add_option("ID", *id)->required();
    c->add_option("JSON", *body)->required();
    c->callback([&action, &db, entity, id, body] {
      action = [&db, entity, id, body] { return open(db)->update(*entity, *id, parse_json_arg(*body, "JSON")); };
    });
  }
  {
    auto* c = app.add_subcommand("delete", "delete a row offline");
    auto entity = std::make_shared<std::string>(), id = std::make_shared<std::string>();
    auto cascade = std::make_shared<bool>(false);
    c->add_option("ENTITY", *entity)->required();
    c->add_option("ID", *id)->required();
    c->add_flag("--cascade", *cascade, "delete its children too");
    c->callback([&action, &db, entity, id, cascade] {
      action = [&db, entity, id, cascade] {
        open(db)->remove(*entity, *id, *cascade);
        return json{{"deleted", *id}, {"entity", *entity}};
      };
    });
  }
  {
    auto* c = app.add_subcommand("get", "a row by id (local or server id)");
    auto entity = std::make_shared<std::string>(), id = std::make_shared<std::string>();
    c->add_option("ENTITY", *entity)->required();
    c->add_option("ID", *id)->required();
    c->callback([&action, &db, entity, id] {
      action = [&db, entity, id] {
        auto row = open(db)->get(*entity, *id);
        if (!row) throw Error(Code::not_found, "no " + *entity + " with id " + *id);
        return *row;
      };
    });
  }
  {
    auto* c = app.add_subcommand("query", "the remote index body answered locally");
    auto entity = std::make_shared<std::string>(), body = std::make_shared<std::string>();
    c->add_option("ENTITY", *entity)->required();
    c->add_option("QUERY_JSON", *body, "filter, sort, page, per-page, history");
    c->callback([&action, &db, entity, body] {
      action = [&db, entity, body] {
        return open(db)->query(*entity, body->empty() ? json::object() : parse_json_arg(*body, "QUERY_JSON"));
      };
    });
  }
  {
    auto* c = app.add_subcommand("journal", "the journal's entries: what the next round pushes");
    auto state = std::make_shared<std::string>(), entity = std::make_shared<std::string>();
    c->add_option("--state", *state, "only entries in this state: pending, in_flight, rejected, blocked, held");
    c->add_option("--entity", *entity, "only entries of this entity");
    c->callback([&action, &db, state, entity] {
      action = [&db, state, entity] {
        json filter = json::object();
        if (!state->empty()) filter["state"] = *state;
        if (!entity->empty()) filter["entity"] = *entity;
        return as_array(open(db)->journal(filter));
      };
    });
  }
  {
    auto* c = app.add_subcommand("retry", "a held or rejected entry back to pending (its attempts cleared)");
    auto seq = std::make_shared<int64_t>(0);
    auto all = std::make_shared<bool>(false);
    auto* one = c->add_option("SEQ", *seq, "the entry's seq (hse-sync journal)")->check(CLI::PositiveNumber);
    c->add_flag("--all", *all, "every held and rejected entry")->excludes(one);
    c->callback([&action, &db, seq, all] {
      action = [&db, seq, all] {
        if (!*all && *seq == 0) throw Error(Code::invalid, "retry needs SEQ or --all", {{"SEQ", "required, or --all"}});
        return json{{"retried", open(db)->retry(*all ? 0 : *seq)}};
      };
    });
  }
  {
    auto* c = app.add_subcommand("drop", "discard an entry and its row's other entries: the row returns to the server's version");
    auto seq = std::make_shared<int64_t>(0);
    c->add_option("SEQ", *seq, "the entry's seq (hse-sync journal)")->required()->check(CLI::PositiveNumber);
    c->callback([&action, &db, seq] {
      action = [&db, seq] {
        open(db)->drop(*seq);
        return json{{"dropped", *seq}};
      };
    });
  }
  app.add_subcommand("status", "counts of journal entries by state, conflicts, the last sync")->callback([&action, &db] {
    action = [&db] { return open(db)->status(); };
  });
  app.add_subcommand("sync", "one round (push, then pull); prints its report")->callback([&action, &db] {
    action = [&db] { return cmd_sync(db); };
  });
  {
    auto* c = app.add_subcommand("run", "the daemon: rounds on the interval and after writes; SIGTERM stops it");
    auto o = std::make_shared<DaemonOptions>();
    c->add_option("--interval", o->interval_s, "seconds between push rounds (overrides sync.interval_s; scans follow sync.pull_interval_s)")
        ->check(CLI::PositiveNumber);
    c->add_option("--metrics", o->metrics, "serve Prometheus /metrics and JSON /status on PORT or ADDRESS:PORT (default address 127.0.0.1)");
    c->callback([&action, &db, o] { action = [&db, o] { return run_daemon(db, *o); }; });
  }
  app.add_subcommand("conflicts", "open conflicts, oldest first")->callback([&action, &db] {
    action = [&db] { return as_array(open(db)->conflicts()); };
  });
  {
    auto* c = app.add_subcommand("resolve", "decide a conflict");
    auto id = std::make_shared<std::string>(), take = std::make_shared<std::string>();
    c->add_option("CONFLICT_ID", *id)->required();
    c->add_option("--take", *take, "local, remote, or the row as JSON")->required();
    c->callback([&action, &db, id, take] {
      action = [&db, id, take] {
        json resolution = (*take == "local" || *take == "remote") ? json{{"take", *take}}
                                                                  : json{{"row", parse_json_arg(*take, "--take")}};
        open(db)->resolve(*id, resolution);
        return json{{"resolved", *id}};
      };
    });
  }
  {
    auto* c = app.add_subcommand("history", "every version a row has had here, oldest first");
    auto entity = std::make_shared<std::string>(), id = std::make_shared<std::string>();
    c->add_option("ENTITY", *entity)->required();
    c->add_option("ID", *id)->required();
    c->callback([&action, &db, entity, id] { action = [&db, entity, id] { return as_array(open(db)->history(*entity, *id)); }; });
  }
}

}  // namespace hse::cli
