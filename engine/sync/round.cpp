#include "engine/sync/round.hpp"

#include <mutex>

#include "engine/sync/pull.hpp"
#include "engine/sync/push.hpp"

namespace hse::engine::sync {

json run_round(SyncContext& ctx) {
  const int64_t started = ctx.s.clock->now_ms();
  ctx.emit({{"type", "round_started"}});
  json report = {{"ok", true}};
  try {
    // Held for the whole round. Once it is ours, an entry still in flight was left by a
    // round that died (here or in another process): its answer is unknown, so it is
    // sent again as a retry (unanswered > 0), which finds what the lost attempt applied.
    auto held = ctx.s.sync_lock.acquire(ctx.lock_wait, ctx.cancel);
    {
      std::lock_guard lock(ctx.s.mu);
      ctx.s.journal.recover_in_flight();
    }
    push(ctx);
    int64_t before_pull;
    {
      std::lock_guard lock(ctx.s.mu);
      before_pull = ctx.s.journal.last_seq();
    }
    const bool scanning = ctx.scan && !ctx.orphan_possible;
    report["scanned"] = scanning;
    if (scanning) pull(ctx);
    // The pull can give the push more to do: a policy that keeps a local edit against
    // a delete made there journals the row's create again. It goes in this round, so
    // that one round leaves nothing it decided for the next (an app's write made
    // during the pull goes with it).
    bool more;
    {
      std::lock_guard lock(ctx.s.mu);
      more = ctx.s.journal.next(before_pull).has_value();
    }
    if (more) push(ctx);
    std::lock_guard lock(ctx.s.mu);
    if (scanning) ctx.s.meta.set_last_sync(ctx.s.clock->now_ms());  // a complete round only
    ctx.emit({{"type", "online"}});
    if (ctx.stats.failed > 0) {
      // The remote answered, but some entries failed on their own: the round did its
      // work around them; it is not ok, so the scheduler backs off before trying them again.
      json err = {{"code", code_name(Code::server)},
                  {"message", std::to_string(ctx.stats.failed) + " journal entries failed on their own (" +
                                  std::to_string(ctx.stats.held) + " now held; see the journal), the first: " +
                                  ctx.entry_failure.value_or("")},
                  {"transient", true}};
      report["ok"] = false;
      report["error"] = err;
      ctx.emit({{"type", "error"}, {"error", err}});
    }
  } catch (const Error& e) {
    if (e.code() == Code::storage || e.code() == Code::internal) throw;
    // A stop or a failure ends the round here; every page and entry applied so far is committed.
    json err = {{"code", code_name(e.code())}, {"message", e.what()}, {"transient", is_transient(e.code())}};
    if (auto remote = dynamic_cast<const RemoteError*>(&e); remote && remote->retry_after_s())
      err["retry_after_s"] = *remote->retry_after_s();
    if (auto remote = dynamic_cast<const RemoteError*>(&e)) err["http_status"] = remote->http_status();
    report["ok"] = false;
    report["error"] = err;
    if (e.code() == Code::network || e.code() == Code::timeout) ctx.emit({{"type", "offline"}});
    ctx.emit({{"type", "error"}, {"error", err}});
  }
  {
    std::lock_guard lock(ctx.s.mu);
    report["pending"] = ctx.s.journal.count();
  }
  report["stats"] = ctx.stats.to_json();
  report["duration_ms"] = ctx.s.clock->now_ms() - started;
  ctx.emit({{"type", "round_finished"}, {"report", report}});
  return report;
}

}  // namespace hse::engine::sync
