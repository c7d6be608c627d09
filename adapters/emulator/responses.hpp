// The shapes of the emulator's answers, as Yii2 REST gives them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/http/message.hpp"
#include "core/error.hpp"

namespace hse::adapters::emulator {

inline http::Response json_response(int status, const nlohmann::json& body) {
  http::Response r;
  r.status = status;
  r.headers["content-type"] = "application/json; charset=UTF-8";
  r.body = body.dump();
  return r;
}

// Yii's error object: {"name", "message", "code", "status"}.
inline http::Response error_response(int status, const std::string& name, const std::string& message) {
  return json_response(status, {{"name", name}, {"message", message}, {"code", 0}, {"status", status}});
}

// 422 (validation) and 400 (a malformed request) answer a list of {field, message}.
inline http::Response field_errors(int status, const std::vector<FieldError>& errors) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : errors) list.push_back({{"field", e.field}, {"message", e.message}});
  return json_response(status, list);
}

}  // namespace hse::adapters::emulator
