// Planted bugs: switches that put known bugs back into the engine, so the property
// tests (tests/property) can show they catch them. This header is the one seam:
// engine code asks `if (planted::active(Bug::x))` with no #ifdef. Only the copy of
// the engine built with HSE_PLANTED_BUGS (tests/property.cmake: hse_engine_planted)
// reads the selector; in every other build active() is a constant false and the
// compiler removes the planted branch.
// Thread-safe: the selector is an atomic.
#pragma once

#include <atomic>

namespace hse::planted {

enum class Bug : int {
  none = 0,
  collapse_drops_field,         // journal: update+update collapse loses a field of the first patch
  delete_without_confirmation,  // pull: a row missing from a scan is removed without the 404 check
  lost_create_not_retried,      // push: a create whose answer was lost counts as accepted
  base_before_merge,            // pull: the server row becomes the base before the merge
  skip_orphan_lookup,           // push: a create that may have applied is sent again without find_orphan
  remap_forgets_references,     // id map: a mapped row's referrers keep its local id
  update_ignores_server_changes,  // push: an update is sent without looking for fields the server changed too
  same_row_in_flight,           // push: a row's later entry is sent beside its earlier one (order lost)
  collapse_into_in_flight,      // journal: a write collapses into the row's entry while it is being sent
  refusal_blocks_unrelated,     // push: a rejected or held entry blocks every later entry, related or not
  retry_waits_for_local_write,  // push: a failed entry is sent again only once a newer local write exists
};

#ifdef HSE_PLANTED_BUGS
inline std::atomic<int>& selected() {
  static std::atomic<int> bug{0};
  return bug;
}
inline bool active(Bug b) { return selected().load() == static_cast<int>(b); }
inline void select(Bug b) { selected().store(static_cast<int>(b)); }
#else
constexpr bool active(Bug) { return false; }
#endif

}  // namespace hse::planted
