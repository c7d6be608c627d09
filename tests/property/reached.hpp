// What the generated histories reached, tallied across a run: a check is only as
// strong as the situations it met. A property run of the full CI budget must reach
// every class its checks rely on (sync_property_test.cpp), or the generator has
// drifted into histories where those checks are vacuous.
#pragma once

#include <array>
#include <atomic>
#include <string>

namespace hse::prop {

enum class Reached {
  history,            // a history run to its end and checked
  lost_answer,        // a write applied with its answer lost (the scenario's, or a drawn one)
  crash_after_apply,  // a client crashed after the server applied its request
  refused_422,        // the server answered a write with 422
  server_error,       // the server answered with a 5xx
  decided_remote,     // a policy settled a conflict for the server's side
  decided_local,      // a policy settled a conflict for the client's side
  resolved_by_app,    // the app resolved a conflict the policy left to it
  blocked_checked,    // a blocked entry was checked against what it waits for
  edited_in_flight,   // a row was edited while its create or update was being sent
  held,               // an entry the server kept refusing was held (sync.max_attempts)
  disk_full,          // a round failed with storage: the disk was full
  io_error,           // a round failed with storage: writes to the replica failed
  clock_back,         // a client's clock went back before one of its writes
  page_repeat,        // a scan's page repeated an id an earlier page gave (rows shifted)
};
inline constexpr Reached kReached[] = {Reached::history,         Reached::lost_answer,     Reached::crash_after_apply,
                                       Reached::refused_422,     Reached::server_error,    Reached::decided_remote,
                                       Reached::decided_local,   Reached::resolved_by_app, Reached::blocked_checked,
                                       Reached::edited_in_flight, Reached::held,          Reached::disk_full,
                                       Reached::io_error,         Reached::clock_back,      Reached::page_repeat};

const char* name(Reached r);
void reach(Reached r);
long reached(Reached r);

}  // namespace hse::prop
