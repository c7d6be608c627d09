// The properties the simulations check, each with a stable tag that leads its failure
// message ("[no-lost-write] client 1's acknowledged update ..."). The planted-bug
// runner (planted_bugs_test.cpp) reads the tag back to tell which property a bug
// broke, and a harness failure (an exception, a clean round failing) from both.
// tests/property/README.md lists the tags and what each asserts.
#pragma once

#include <rapidcheck.h>

#include <string>

namespace hse::prop {

enum class Prop {
  harness,           // not a property: an exception out of a step or check, a clean round failing
  step,              // an assertion inside a command (commands.hpp, statuspage_commands.hpp)
  drained,           // after settling: journals empty but for refused entries, no conflict left open
  convergence,       // every replica equals the server, every field
  no_lost_write,     // every acknowledged write is on the server, overtaken, or excused by a record
  no_duplicate,      // no create applied twice, no row nobody created
  delete_confirmed,  // a pull removes a row only when someone deleted it
  history_order,     // a row's versions are one ordered sequence, each ending where the next begins
  history_complete,  // every acknowledged local write, and the current row, is in the writer's history
  blocked_waits,     // a blocked entry waits behind a refused (rejected or held) entry it depends on
  rejection_earned,  // the server refused only what it had a reason to refuse
  mapping,           // server-assigned ids: local ids resolve, none left, comments under their incident
  push_order,        // the server applies a client's updates of a row in the order it made them
};

inline constexpr Prop kProps[] = {Prop::harness,          Prop::step,          Prop::drained,
                                   Prop::convergence,      Prop::no_lost_write, Prop::no_duplicate,
                                   Prop::delete_confirmed, Prop::history_order, Prop::history_complete,
                                   Prop::blocked_waits,    Prop::rejection_earned, Prop::mapping,
                                   Prop::push_order};

// "[no-lost-write]" and so on.
inline const char* tag(Prop p) {
  switch (p) {
    case Prop::harness: return "[harness]";
    case Prop::step: return "[step]";
    case Prop::drained: return "[drained]";
    case Prop::convergence: return "[convergence]";
    case Prop::no_lost_write: return "[no-lost-write]";
    case Prop::no_duplicate: return "[no-duplicate]";
    case Prop::delete_confirmed: return "[delete-confirmed]";
    case Prop::history_order: return "[history-order]";
    case Prop::history_complete: return "[history-complete]";
    case Prop::blocked_waits: return "[blocked-waits]";
    case Prop::rejection_earned: return "[rejection-earned]";
    case Prop::mapping: return "[mapping]";
    case Prop::push_order: return "[push-order]";
  }
  return "[harness]";
}

// The property a failure message names (the tag that comes first in it); `harness`
// when it names none (an exception RapidCheck caught, say).
inline Prop property_of(const std::string& failure) {
  Prop found = Prop::harness;
  size_t at = std::string::npos;
  for (Prop p : kProps)
    if (size_t i = failure.find(tag(p)); i < at) at = i, found = p;
  return found;
}

inline std::string tagged(Prop p, const std::string& what) { return std::string(tag(p)) + " " + what; }

}  // namespace hse::prop

// RC_FAIL naming the property: the failure message starts with its tag.
#define HSE_PROP_FAIL(which, what) RC_FAIL(::hse::prop::tagged(::hse::prop::Prop::which, (what)))
// RC_ASSERT naming the property.
#define HSE_PROP_ASSERT(which, cond)                       \
  do {                                                     \
    if (!(cond)) HSE_PROP_FAIL(which, "expected " #cond); \
  } while (false)
