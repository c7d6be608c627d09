#include "adapters/emulator/in_process_transport.hpp"

#include <thread>

#include "core/error.hpp"

namespace hse::adapters::emulator {

InProcessTransport::InProcessTransport(Emulator& emulator, Sleep sleep)
    : emulator_(emulator), sleep_(std::move(sleep)) {
  if (!sleep_) sleep_ = [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); };
}

http::Response InProcessTransport::send(const http::Request& request) {
  FaultDecision fault = emulator_.next_fault(request);
  if (fault.latency_ms > 0) sleep_(std::chrono::milliseconds(fault.latency_ms));
  switch (fault.kind) {
    case FaultKind::drop:
      throw Error(Code::network, "connection closed before the request was answered (injected drop)");
    case FaultKind::error:
      return fault_response(fault);
    case FaultKind::lost_response:
      emulator_.handle(request);
      throw Error(Code::network, "connection closed after the request was applied (injected lost response)");
    case FaultKind::none:
      break;
  }
  return emulator_.handle(request);
}

}  // namespace hse::adapters::emulator
