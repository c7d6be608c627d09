#include "adapters/fourhse/fourhse_remote.hpp"

#include "adapters/http/answers.hpp"
#include "adapters/fourhse/oauth_session.hpp"
#include "adapters/fourhse/pagination.hpp"
#include "adapters/http/url.hpp"
#include "schema/catalog.hpp"

namespace hse::adapters::fourhse {

using http::AnswerContext;
using http::Operation;
using http::is_success;
using http::parse_body;
using http::throw_for_status;

struct FourHseRemote::Call {
  http::Request request;  // without credentials: those are added per attempt
  AnswerContext ctx;
};

namespace {

const schema::Entity& fourhse_entity(const std::string& name) {
  const schema::Entity* e = schema::find_entity(name);
  if (!e || e->remote != "fourhse") throw Error(Code::invalid, "'" + name + "' is not an entity of the 4HSE v2 API");
  return *e;
}

// The caller's JSON as request text. nlohmann refuses to serialise invalid UTF-8;
// that is the caller's bad input, not a remote failure.
std::string dump(const json& body) {
  try {
    return body.dump();
  } catch (const json::exception& e) {
    throw Error(Code::invalid, std::string("request body cannot be serialised: ") + e.what());
  }
}

std::string id_segment(const std::string& id) {
  if (id.empty()) throw Error(Code::invalid, "an empty id");
  return http::percent_encode(id);
}

}  // namespace

FourHseRemote::FourHseRemote(FourHseOptions options, std::shared_ptr<http::Transport> api,
                             std::shared_ptr<http::Transport> token)
    : options_(std::move(options)), api_(std::move(api)) {
  if (!api_) throw Error(Code::invalid, "4HSE remote: no API transport");
  if (!options_.clock) options_.clock = system_clock();
  while (!options_.base_path.empty() && options_.base_path.back() == '/') options_.base_path.pop_back();
  if (!options_.base_path.empty() && options_.base_path.front() != '/') options_.base_path.insert(0, "/");
  if (options_.max_rows_per_page < 1) throw Error(Code::invalid, "4HSE remote: max_rows_per_page must be positive");
  if (options_.oauth) {
    if (!options_.access_token.empty())
      throw Error(Code::invalid, "4HSE remote: give either an access token or OAuth credentials, not both");
    if (options_.oauth->client_id.empty() || options_.oauth->username.empty())
      throw Error(Code::invalid, "4HSE remote: OAuth needs a client_id and a username");
    oauth_ = std::make_unique<OAuthSession>(*options_.oauth, token ? std::move(token) : api_, options_.clock);
  }
}

FourHseRemote::~FourHseRemote() = default;

std::vector<std::string> FourHseRemote::secrets() const {
  std::vector<std::string> out{options_.access_token, http::percent_encode(options_.access_token)};
  if (oauth_) {
    auto more = oauth_->secrets();
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

FourHseRemote::Call FourHseRemote::prepare(Operation op, const std::string& entity, std::string method,
                                           std::string path, std::string body) const {
  const schema::Entity& e = fourhse_entity(entity);
  Call call;
  call.request.method = std::move(method);
  call.request.target = options_.base_path + "/" + e.name + "/" + path;
  call.request.headers["Accept"] = "application/json";
  if (!body.empty()) call.request.headers["Content-Type"] = "application/json";
  call.request.body = std::move(body);
  // An index is a read, whatever its method: safe to resend on a dead connection.
  call.request.idempotent = op == Operation::list;
  call.ctx.op = op;
  std::string path_only = call.request.target.substr(0, call.request.target.find('?'));
  call.ctx.what = call.request.method + " " + path_only;
  call.ctx.key_field = e.key;
  return call;
}

uint64_t FourHseRemote::authorize(http::Request& request) {
  if (oauth_) {
    auto token = oauth_->current();
    request.headers["Authorization"] = "Bearer " + token.access;
    return token.generation;
  }
  if (!options_.access_token.empty()) {
    request.target += request.target.find('?') == std::string::npos ? "?" : "&";
    request.target += "access-token=" + http::percent_encode(options_.access_token);
  }
  return 0;
}

void FourHseRemote::fail(const http::Response& answer, const Call& call) const {
  AnswerContext ctx = call.ctx;
  ctx.now_ms = options_.clock->now_ms();
  ctx.secrets = secrets();
  if (answer.status == 401 && oauth_)
    throw RemoteError(Code::auth, ctx.what + " answered 401 again after a token refresh", 401);
  throw_for_status(answer, ctx);
}

json FourHseRemote::object_answer(const http::Response& answer, const Call& call) const {
  AnswerContext ctx = call.ctx;
  ctx.secrets = secrets();
  json body = parse_body(answer, ctx);
  if (!body.is_object())
    throw RemoteError(Code::server, ctx.what + ": the answer is not a JSON object", answer.status);
  return body;
}

http::Response FourHseRemote::exchange(const Call& call) {
  http::Request request = call.request;
  uint64_t generation = authorize(request);
  http::Response answer = api_->send(request);
  if (answer.status != 401 || !oauth_) return answer;
  // An expired or revoked token: one refresh, one retry. A second 401 is final.
  oauth_->refresh(generation);
  request = call.request;
  authorize(request);
  return api_->send(request);
}

std::vector<http::Response> FourHseRemote::exchange_all(const std::vector<Call>& calls) {
  std::vector<http::Request> requests;
  requests.reserve(calls.size());
  uint64_t generation = 0;
  for (const auto& c : calls) {
    requests.push_back(c.request);
    generation = authorize(requests.back());
  }
  std::vector<http::Response> answers = api_->send_all(requests);
  if (!oauth_) return answers;
  std::vector<size_t> refused;
  for (size_t i = 0; i < answers.size(); ++i)
    if (answers[i].status == 401) refused.push_back(i);
  if (refused.empty()) return answers;
  oauth_->refresh(generation);
  std::vector<http::Request> again;
  for (size_t i : refused) {
    again.push_back(calls[i].request);
    authorize(again.back());
  }
  std::vector<http::Response> retried = api_->send_all(again);
  for (size_t k = 0; k < refused.size(); ++k) answers[refused[k]] = std::move(retried[k]);
  return answers;
}

engine::sync::RemotePage FourHseRemote::list(const std::string& entity, const json& body) {
  Call call = prepare(Operation::list, entity, "POST", "index", dump(body));
  http::Response answer = exchange(call);
  if (!is_success(answer.status)) fail(answer, call);
  AnswerContext ctx = call.ctx;
  ctx.secrets = secrets();
  engine::sync::RemotePage page = read_page(answer, body, options_.max_rows_per_page, ctx);
  check_row_fields(schema::entity(entity), page, answer, ctx);
  return page;
}

std::vector<http::Response> FourHseRemote::index_answers(const std::string& entity, const json& body,
                                                         const std::vector<int>& pages, std::vector<Call>& calls,
                                                         std::vector<json>& bodies) {
  calls.reserve(pages.size());
  bodies.reserve(pages.size());
  for (int p : pages) {
    json b = body.is_object() ? body : json::object();
    b["page"] = p;
    calls.push_back(prepare(Operation::list, entity, "POST", "index", dump(b)));
    bodies.push_back(std::move(b));
  }
  return exchange_all(calls);
}

std::vector<engine::sync::RemotePage> FourHseRemote::list_pages(const std::string& entity, const json& body,
                                                          const std::vector<int>& pages) {
  std::vector<Call> calls;
  std::vector<json> bodies;
  std::vector<http::Response> answers = index_answers(entity, body, pages, calls, bodies);
  std::vector<engine::sync::RemotePage> out;
  out.reserve(answers.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!is_success(answers[i].status)) fail(answers[i], calls[i]);
    AnswerContext ctx = calls[i].ctx;
    ctx.secrets = secrets();
    out.push_back(read_page(answers[i], bodies[i], options_.max_rows_per_page, ctx));
    check_row_fields(schema::entity(entity), out.back(), answers[i], ctx);
  }
  return out;
}

std::vector<engine::sync::PulledPage> FourHseRemote::pull_pages(const std::string& entity, const json& body,
                                                                const std::vector<int>& pages) {
  std::vector<Call> calls;
  std::vector<json> bodies;
  std::vector<http::Response> answers = index_answers(entity, body, pages, calls, bodies);
  std::vector<engine::sync::PulledPage> out;
  out.reserve(answers.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!is_success(answers[i].status)) fail(answers[i], calls[i]);
    AnswerContext ctx = calls[i].ctx;
    ctx.secrets = secrets();
    out.push_back(read_pulled_page(schema::entity(entity), answers[i], bodies[i], options_.max_rows_per_page, ctx));
  }
  return out;
}

std::optional<json> FourHseRemote::view(const std::string& entity, const std::string& id) {
  Call call = prepare(Operation::view, entity, "GET", "view/" + id_segment(id), "");
  http::Response answer = exchange(call);
  if (answer.status == 404) return std::nullopt;
  if (!is_success(answer.status)) fail(answer, call);
  return object_answer(answer, call);
}

json FourHseRemote::create(const std::string& entity, const json& body) {
  Call call = prepare(Operation::create, entity, "POST", "create", dump(body));
  http::Response answer = exchange(call);
  if (!is_success(answer.status)) fail(answer, call);
  return object_answer(answer, call);
}

json FourHseRemote::update(const std::string& entity, const std::string& id, const json& patch) {
  Call call = prepare(Operation::update, entity, "PUT", "update/" + id_segment(id), dump(patch));
  http::Response answer = exchange(call);
  if (!is_success(answer.status)) fail(answer, call);
  return object_answer(answer, call);
}

bool FourHseRemote::remove(const std::string& entity, const std::string& id, bool force) {
  Call call = prepare(Operation::remove, entity, "DELETE",
                      "delete/" + id_segment(id) + (force ? "?force=true" : "?force=false"), "");
  http::Response answer = exchange(call);
  if (answer.status == 404) return false;
  if (!is_success(answer.status)) fail(answer, call);
  return true;
}

}  // namespace hse::adapters::fourhse
