// Abort points: named places between the database writes of one step where a test
// build of the engine can die on purpose, as a power cut or kill -9 would stop it
// there, so that a test can reopen the replica and check what survived
// (tests/integration/sync/abort_points_test.cpp). Engine code calls
// `abort_point::reach(Point::x)` with no #ifdef. Only the copy of the engine built
// with HSE_ABORT_POINTS (tests/support.cmake: hse_engine_planted) counts and acts;
// in every other build reach() is an empty constexpr function the compiler removes.
#pragma once

#include <array>
#include <atomic>

#ifdef HSE_ABORT_POINTS
#include <signal.h>
#include <unistd.h>
#endif

namespace hse::abort_point {

enum class Point : int {
  before_commit,         // a transaction's writes are all made, COMMIT not yet run
  after_commit,          // COMMIT returned; the step's next transaction not begun
  local_write_applying,  // a local create: its journal entry is written, the row not yet
  push_answered,         // the server answered a push; the replica has not recorded it
  push_applying,         // the answer's transaction: the journal is written, the row not yet
  pull_applying,         // a page's transaction: some of its rows are written, the others not yet
};
inline constexpr std::array<Point, 6> kAll = {Point::before_commit,        Point::after_commit,
                                              Point::local_write_applying, Point::push_answered,
                                              Point::push_applying,        Point::pull_applying};

constexpr const char* name(Point p) {
  switch (p) {
    case Point::before_commit: return "before_commit";
    case Point::after_commit: return "after_commit";
    case Point::local_write_applying: return "local_write_applying";
    case Point::push_answered: return "push_answered";
    case Point::push_applying: return "push_applying";
    case Point::pull_applying: return "pull_applying";
  }
  return "?";
}

#ifdef HSE_ABORT_POINTS
struct State {
  std::atomic<int> armed{-1};     // the point that kills, -1: none
  std::atomic<long> remaining{0};  // at its remaining-th reach from now
  std::array<std::atomic<long>, kAll.size()> reached{};
};
inline State& state() {
  static State s;
  return s;
}
// The process dies (SIGKILL: no destructor, no flush, no atexit) at the nth reach of `p`.
inline void arm(Point p, long nth) {
  state().remaining.store(nth);
  state().armed.store(static_cast<int>(p));
}
inline long reached(Point p) { return state().reached[static_cast<size_t>(p)].load(); }
inline void reach(Point p) {
  State& s = state();
  s.reached[static_cast<size_t>(p)].fetch_add(1);
  if (s.armed.load() == static_cast<int>(p) && s.remaining.fetch_sub(1) == 1) ::kill(::getpid(), SIGKILL);
}
#else
constexpr void reach(Point) {}
#endif

}  // namespace hse::abort_point
