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

class Journal {
 public:
  explicit Journal(store::Database& db) : db_(db) {}

  std::optional<Entry> get(int64_t seq);
  // Records a local write of (entity, id). `newest` is the row's newest entry (the
  // row's journal_seq, or the pending delete). Returns the entry that now holds the
  // row's change, or nullopt when nothing is left pending (create then delete).
  std::optional<int64_t> record(const std::string& entity, const std::string& id, Op op, const json& patch,
                                bool cascade, std::optional<int64_t> newest, int64_t now);
  // Drops the entry (a row removed by a local cascade, a resolved conflict, a push done).
  void erase(int64_t seq);
  // Drops every entry of one row (a create sent again carries all of them).
  void erase_row(const std::string& entity, const std::string& id);
  // The pending delete entry of a row that no longer exists locally.
  std::optional<int64_t> delete_entry(const std::string& entity, const std::string& id);

  void set_state(int64_t seq, State state, const std::optional<std::string>& error = std::nullopt,
                 const json& errors = nullptr);
  void set_patch(int64_t seq, const json& patch);
  void set_sent(int64_t seq, const json& sent);
  void count_attempt(int64_t seq, const std::string& error);

  // Entries in seq order; all, or only those in `state`.
  std::vector<Entry> list(std::optional<State> state = std::nullopt);
  // The first entry after `after_seq` in seq order, whatever its state.
  std::optional<Entry> next(int64_t after_seq);
  int64_t count(std::optional<State> state = std::nullopt);
  // The highest seq given so far (0 when none): entries after it are newer than now.
  int64_t last_seq();
  // Blocked entries go back to pending, to be looked at again (their blocker may be
  // fixed or dropped since).
  void unblock_all();
  // Entries left in_flight by a round that died go back to pending, with the attempt
  // counted: the server may have applied it. Called by a round holding the sync lock.
  void recover_in_flight();

 private:
  int64_t append(const std::string& entity, const std::string& id, Op op, const json& patch, bool cascade, int64_t now);
  store::Database& db_;
};

}  // namespace hse::engine::journal
