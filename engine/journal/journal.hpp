// The outbox: one entry per pending local change, in causal order (seq).
// Pending entries of one row collapse (create+update = create, create+delete =
// nothing, update+update = one merged patch, update+delete = delete); an entry that
// is in flight is never collapsed into, so a write made during a push becomes a new
// entry after it. Not thread-safe: the Engine serialises access.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/journal/entry.hpp"
#include "engine/store/database.hpp"

namespace hse::engine::journal {

using json = nlohmann::json;

struct Filter {
  std::optional<State> state{};
  std::optional<std::string> entity{};
  std::optional<std::string> id{};
};

class Journal {
 public:
  explicit Journal(store::Database& db) : db_(db) {}

  std::optional<Entry> get(int64_t seq);
  // Records a local write of (entity, id). `newest` is the row's newest entry (the
  // row's journal_seq, or the pending delete). Returns the entry that now holds the
  // row's change, or nullopt when nothing is left pending (create then delete).
  std::optional<int64_t> record(const std::string& entity, const std::string& id, Op op, const json& patch,
                                bool cascade, std::optional<int64_t> newest, int64_t now);
  // Appends the entry of a local create of (entity, id). The caller inserts that row,
  // naming this entry in its journal_seq, in the same transaction: the row is how the
  // entry is found by row (migrations.cpp v7), which saves every create an insert
  // into the journal's index by row.
  int64_t append_create(const std::string& entity, const std::string& id, int64_t now);
  // Drops the entry (a row removed by a local cascade, a resolved conflict, a push done).
  void erase(int64_t seq);
  // Drops every entry of one row (a create sent again carries all of them).
  void erase_row(const std::string& entity, const std::string& id);
  // The seq of the row's newest delete entry (a row deleted here, not yet pushed);
  // a lookup: it changes nothing.
  std::optional<int64_t> pending_delete(const std::string& entity, const std::string& id);
  // Whether any row of `entity` has a delete entry (none: pending_delete is empty for every id).
  bool has_delete(const std::string& entity);

  void set_state(int64_t seq, State state, const std::optional<std::string>& error = std::nullopt,
                 const json& errors = nullptr);
  void set_patch(int64_t seq, const json& patch);
  void set_sent(int64_t seq, const json& sent);
  // A failed send: the entry takes `state` (pending to go again, held), the error and
  // status are kept; `counted` adds one to its attempts (a failure of this entry
  // alone), `unanswered` to its unanswered sends (the write may have applied).
  void record_failure(int64_t seq, State state, const std::string& error, std::optional<int> status, bool counted,
                      bool unanswered);
  // A held or rejected entry goes back to pending with its attempts cleared; false
  // when the entry is in another state.
  bool retry(int64_t seq);

  // Entries in seq order; all, or those matching every part of the filter.
  std::vector<Entry> list(const Filter& filter = {});
  // The first entry after `after_seq` in seq order, whatever its state.
  std::optional<Entry> next(int64_t after_seq);
  int64_t count(std::optional<State> state = std::nullopt);
  // The highest seq given so far (0 when none): entries after it are newer than now.
  int64_t last_seq();
  // Blocked entries go back to pending, to be looked at again (their blocker may be
  // fixed or dropped since).
  void unblock_all();
  // Entries left in_flight by a round that died go back to pending, counted as
  // unanswered: the server may have applied them. No attempt is counted against them. Called by a round holding the sync lock.
  void recover_in_flight();

 private:
  int64_t append(const std::string& entity, const std::string& id, Op op, const json& patch, bool cascade, int64_t now,
                 bool indexed = true);
  store::Database& db_;
};

}  // namespace hse::engine::journal
