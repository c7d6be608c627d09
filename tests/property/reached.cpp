#include "tests/property/reached.hpp"

namespace hse::prop {

namespace {
std::array<std::atomic<long>, std::size(kReached)> tally{};
}

const char* name(Reached r) {
  switch (r) {
    case Reached::history: return "histories checked";
    case Reached::lost_answer: return "answers lost after the write applied";
    case Reached::crash_after_apply: return "crashes after the server applied";
    case Reached::refused_422: return "writes refused with 422";
    case Reached::server_error: return "5xx answers";
    case Reached::decided_remote: return "conflicts a policy settled for the server";
    case Reached::decided_local: return "conflicts a policy settled for the client";
    case Reached::resolved_by_app: return "conflicts the app resolved";
    case Reached::blocked_checked: return "blocked entries checked";
    case Reached::edited_in_flight: return "rows edited while their create or update was in flight";
    case Reached::held: return "entries held after the server kept refusing them";
    case Reached::disk_full: return "rounds failed with storage on a full disk";
    case Reached::io_error: return "rounds failed with storage on failing writes";
    case Reached::clock_back: return "local writes made after the client's clock went back";
    case Reached::page_repeat: return "ids an index page repeated from an earlier page of its scan";
  }
  return "?";
}

void reach(Reached r) { tally[static_cast<size_t>(r)]++; }
long reached(Reached r) { return tally[static_cast<size_t>(r)].load(); }

}  // namespace hse::prop
