// [push-order]: the server applies each client's updates of a row in the order that
// client made them. A serial push can give no other order: it sends a row's entries
// one at a time, in journal order. What the server applied is logged at the
// transport (every 2xx answer to an update, answered or lost), and checked against
// the ledger of the client's acknowledged writes.
//
// Only updates, and only string values (generated unique), are compared: a create's
// body carries every field, some of them values the client pulled from others.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/http/client.hpp"

namespace hse::prop {

struct Ack;

class PushOrderLog {
 public:
  // A request `client` sent and the server answered with `resp`.
  void record(int client, const adapters::http::Request& r, const adapters::http::Response& resp);
  // RC_FAILs with [push-order] when a client's update reached the server after the
  // value of a later write of the same field.
  void check(const std::vector<Ack>& acks) const;

 private:
  struct Applied {
    int client;
    std::string entity, id;
    nlohmann::json patch;
  };
  std::vector<Applied> applied_;
};

}  // namespace hse::prop
