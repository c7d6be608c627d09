// The emulator over real HTTP/1.1: Boost.Beast, asynchronous, keep-alive, any number
// of connections, bound to 127.0.0.1 only. Requests are served by Emulator::handle()
// after the emulator's fault decision is applied (see in_process_transport.hpp for
// what each fault does; here a drop or lost response closes the connection).
// Thread-safe: stop() may be called from any thread (or a signal handler thread).
#pragma once

#include <cstdint>
#include <memory>

#include "adapters/emulator/emulator.hpp"

namespace hse::adapters::emulator {

class Server {
 public:
  // Binds 127.0.0.1:`port` (0: a free port) at once; throws boost::system::system_error
  // when it cannot. `emulator` must outlive the server.
  Server(Emulator& emulator, uint16_t port, int threads = 2);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port actually bound.
  uint16_t port() const;
  // From now on SIGINT and SIGTERM stop the server (as stop() does). Call it before
  // announcing the port, so a signal that arrives before run() is not lost: it is
  // handled as soon as run() starts.
  void stop_on_signals();
  // Serves until stop(); then closes every connection and returns.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hse::adapters::emulator
