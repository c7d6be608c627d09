#include "engine/sync/push.hpp"

#include <map>
#include <set>

#include "core/abort_point.hpp"
#include "engine/sync/push_apply.hpp"
#include "engine/sync/push_plan.hpp"
#include "engine/sync/push_send.hpp"
#include "engine/sync/send_runner.hpp"

namespace hse::engine::sync {

namespace {

struct Pass {
  bool waits_for_creation = false;  // an entry waits for a row to get its server id
  int64_t last_seq = 0;             // the newest entry the pass knew of
};

// One pass over the journal as it is when the pass starts.
Pass push_pass(SyncContext& ctx, SendRunner& runner, std::set<int64_t>& failed) {
  {
    // Blocked entries are looked at again: their blocker may be fixed, retried or dropped.
    std::lock_guard lock(ctx.s.mu);
    ctx.s.journal.unblock_all();
  }
  PushPlan plan(ctx, failed);
  // Node-based maps: a send holds references to its entry and its outcome while
  // other entries come and go.
  std::map<int64_t, Prepared> flying;
  std::map<int64_t, Outcome> outcomes;
  std::exception_ptr stop;
  const size_t width = static_cast<size_t>(std::max(1, ctx.push.concurrency));
  for (;;) {
    try {
      while (!stop && flying.size() < width && !ctx.cancelled()) {
        auto seq = plan.next_ready();
        if (!seq) break;
        auto prepared = plan.prepare(*seq);
        if (!prepared) continue;
        Prepared& p = flying.emplace(*seq, std::move(*prepared)).first->second;
        Outcome& slot = outcomes[*seq];
        runner.start(*seq, [&ctx, &p, &slot] { slot = send(ctx, p); });
      }
    } catch (...) {
      if (!stop) stop = std::current_exception();  // the sends in flight are waited for first
    }
    if (flying.empty()) break;
    const int64_t seq = runner.wait_any();
    abort_point::reach(abort_point::Point::push_answered);
    Prepared& p = flying.at(seq);
    const Outcome& outcome = outcomes.at(seq);
    After after = After::stop;
    try {
      std::lock_guard lock(ctx.s.mu);
      // Relaxed: should power loss roll the answer back, the entry is in flight on
      // disk, so the next round sends it again as unanswered, and it looks first.
      store::WriteTransaction tx(ctx.s.db, store::Commit::relaxed);
      after = apply(ctx, p, outcome);
      tx.commit();
    } catch (...) {
      // The replica failed: no more sends, but those in flight still hold references
      // into this pass, so they are waited for before the failure goes up.
      if (!stop) stop = std::current_exception();
    }
    switch (after) {
      case After::done:
        plan.finish(seq);
        break;
      case After::waits:
        plan.stick(seq, "entry " + std::to_string(seq) + " waits", true);
        break;
      case After::left_to_app:
        plan.stick(seq, "entry " + std::to_string(seq) + " waits for the app", false);
        break;
      case After::failed:
        // Sent again next round: what waits on it waits, and is not marked blocked (a
        // state the app is shown as needing it) for a failure that may pass.
        plan.stick(seq, "entry " + std::to_string(seq) + " failed", false);
        failed.insert(seq);  // once a round: its attempts count across rounds
        break;
      case After::held:
        plan.stick(seq, "entry " + std::to_string(seq) + " is held", true);
        failed.insert(seq);
        break;
      case After::stop:
        plan.stick(seq, "the round stopped", false);
        if (const auto* f = std::get_if<Failure>(&outcome); f && !stop) stop = f->error;
        break;
    }
    flying.erase(seq);
    outcomes.erase(seq);
  }
  if (stop) std::rethrow_exception(stop);
  ctx.check_cancel();
  return {plan.waits_for_creation(), plan.last_seq()};
}

std::unique_ptr<SendRunner> make_runner(const PushOptions& o) {
  if (o.seed) return seeded_runner(*o.seed);
  return threaded_runner(std::max(1, o.concurrency));
}

}  // namespace

void push(SyncContext& ctx) {
  ctx.emit({{"type", "phase"}, {"phase", "push"}});
  auto runner = make_runner(ctx.push);
  // Another pass sends what the last one journaled (a client_wins re-create, the
  // fields a create could not carry, a write made meanwhile), and what waited for a
  // row that has its server id now (a comment before the re-create of its incident).
  constexpr int kMaxPasses = 8;
  std::set<int64_t> failed;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    const int mapped_before = ctx.stats.mapped;
    const Pass done = push_pass(ctx, *runner, failed);
    bool newer = false;
    {
      std::lock_guard lock(ctx.s.mu);
      if (ctx.s.journal.last_seq() > done.last_seq)
        for (const auto& entry : ctx.s.journal.list({.state = journal::State::pending}))
          newer = newer || entry.seq > done.last_seq;
    }
    const bool unblocked = done.waits_for_creation && ctx.stats.mapped > mapped_before;
    if (!newer && !unblocked) break;
  }
}

}  // namespace hse::engine::sync
