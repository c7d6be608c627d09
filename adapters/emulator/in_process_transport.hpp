// An http::Transport that hands each request straight to an Emulator: no sockets, no
// threads, so the engine's deterministic tests can sync against the reference server.
// It applies the emulator's faults exactly as the HTTP server does:
//   drop          -> throws hse::Error(Code::network), the request unhandled;
//   error         -> returns the fault's status (and Retry-After), the database untouched;
//   lost response -> handles the request (a write commits), then throws Code::network;
//   latency       -> calls the sleep function (std::this_thread::sleep_for by default).
// Thread-safe as the Emulator is.
#pragma once

#include <chrono>
#include <functional>

#include "adapters/emulator/emulator.hpp"
#include "adapters/http/message.hpp"

namespace hse::adapters::emulator {

class InProcessTransport final : public http::Transport {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  // `emulator` must outlive the transport. `sleep` replaces real waiting for latency
  // faults (a test can record or skip the wait); empty: sleep for real.
  explicit InProcessTransport(Emulator& emulator, Sleep sleep = {});

  http::Response send(const http::Request& request) override;

 private:
  Emulator& emulator_;
  Sleep sleep_;
};

}  // namespace hse::adapters::emulator
