#include "engine/sync/pull.hpp"

#include <algorithm>
#include <array>
#include <future>
#include <map>
#include <optional>
#include <span>
#include <unordered_set>

#include "engine/store/migrations.hpp"
#include "engine/sync/apply.hpp"
#include "schema/catalog.hpp"
#include "schema/paging.hpp"
#include "core/abort_point.hpp"
#include "core/planted.hpp"

namespace hse::engine::sync {

namespace {

// The field that places a row of `e` in a project scope.
std::string scope_field(const schema::Entity& e) {
  if (e.name == "project") return e.key;
  if (e.field("tenant_id")) return "tenant_id";
  return e.parent_field;
}

// The ids a scan saw, to find afterwards the rows it did not. Held compactly, since
// it grows with the scope: an id in canonical UUID form (lower-case hex; 4HSE's ids)
// as its 16 bytes in one sorted array, 16 bytes a row instead of a string in a hash
// set (about 100); any other id (status-page integers, upper case) as itself. The
// encoding is exact both ways, so membership is too. A first scan keeps none (scan()).
class SeenIds {
 public:
  using Uuid = std::array<unsigned char, 16>;

  SeenIds(size_t expected, bool keep) : keep_(keep) {
    if (keep) uuids_.reserve(expected);
  }

  void insert(std::string_view id) {
    if (!keep_) return;
    if (auto u = parse(id)) uuids_.push_back(*u);
    else others_.emplace(id);
    sorted_ = false;
  }
  // After the scan: every insert is done.
  bool contains(const std::string& id) {
    if (!sorted_) {
      std::sort(uuids_.begin(), uuids_.end());
      uuids_.erase(std::unique(uuids_.begin(), uuids_.end()), uuids_.end());
      sorted_ = true;
    }
    if (auto u = parse(id)) return std::binary_search(uuids_.begin(), uuids_.end(), *u);
    return others_.count(id) > 0;
  }

 private:
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
  // xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in lower-case hex, else nullopt.
  static std::optional<Uuid> parse(std::string_view id) {
    if (id.size() != 36) return std::nullopt;
    Uuid u{};
    size_t out = 0;
    for (size_t i = 0; i < 36;) {
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (id[i] != '-') return std::nullopt;
        ++i;
        continue;
      }
      const int hi = hex(id[i]), lo = hex(id[i + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      u[out++] = static_cast<unsigned char>(hi << 4 | lo);
      i += 2;
    }
    return u;
  }

  bool keep_;
  std::vector<Uuid> uuids_;
  std::unordered_set<std::string> others_;
  bool sorted_ = true;
};

// How a scan writes its pages. A bootstrap's rows are new to the replica: while the
// pages bring nothing but new rows, each is written by one INSERT (apply_new_server_row)
// instead of being looked up first; a page bringing rows the replica has (a re-sync)
// turns that off for the next pages. Page 1 always takes the general path.
struct PageWriter {
  bool insert_first = false;
};

void apply_page(SyncContext& ctx, const schema::Entity& e, const PulledPage& page, SeenIds& seen, PageWriter& w) {
  // Checked in this transaction: local writes (a delete: a tombstone, a pending delete)
  // may have run between windows.
  const bool insert_first = w.insert_first && !ctx.s.replica.has_history(e) && !ctx.s.journal.has_delete(e.name);
  const size_t key = size_t(e.field(e.key) - e.fields.data());
  size_t existing = 0;
  for (const auto& row : page.rows) {
    if (&row != &page.rows.front()) abort_point::reach(abort_point::Point::pull_applying);
    if (row.values[key].kind != store::CanonicalRow::Kind::string) continue;
    seen.insert(row.string(key));
    const Applied applied = insert_first ? apply_new_server_row(ctx, e, row) : apply_server_row(ctx, e, row);
    switch (applied) {
      case Applied::unchanged: ctx.stats.unchanged++; break;
      case Applied::skipped: break;
      default: ctx.stats.pulled++; break;
    }
    if (applied != Applied::inserted) ++existing;
  }
  w.insert_first = existing * 10 <= page.rows.size();
  ctx.stats.pages++;
}

// A window's pages in one transaction: with random ids each commit writes much of the
// key index again to the WAL, and a commit per page cost the bootstrap's applying
// thread about 5% more CPU (bench_sync). The replica stays locked for the window's
// rows: 4,000 at the default settings.
void apply_window(SyncContext& ctx, const schema::Entity& e, std::span<const PulledPage> pages,
                  std::span<const int> numbers, int page_count, SeenIds& seen, PageWriter& w) {
  ctx.check_cancel();
  {
    std::lock_guard lock(ctx.s.mu);
    store::WriteTransaction tx(ctx.s.db, store::Commit::relaxed);
    for (const auto& page : pages) apply_page(ctx, e, page, seen, w);
    tx.commit();
  }
  for (size_t i = 0; i < pages.size(); ++i)
    ctx.emit({{"type", "page"}, {"entity", e.name}, {"page", numbers[i]}, {"pages", page_count}, {"rows", pages[i].rows.size()}});
}

void confirm_deletions(SyncContext& ctx, const schema::Entity& e, const std::vector<std::string>& candidates) {
  for (const auto& id : candidates) {
    std::optional<json> row;
    if (!planted::active(planted::Bug::delete_without_confirmation)) row = ctx.remote.view(e.name, id);
    std::lock_guard lock(ctx.s.mu);
    store::WriteTransaction tx(ctx.s.db, store::Commit::relaxed);
    if (row) {
      // It moved between pages while the scan ran.
      apply_server_row(ctx, e, *row);
    } else if (auto meta = ctx.s.replica.meta(e, id)) {
      if (!meta->journal_seq) {
        remove_locally(ctx, e, id, store::Origin::pull, nullptr);
      } else if (!ctx.s.conflicts.open_for(e.name, id)) {
        // Edited here, deleted there.
        json local = *ctx.s.replica.get(e, id);
        json base = ctx.s.replica.base(e, id).value_or(json());
        Decision decision = decide_row(ctx, e, id, ConflictKind::update_delete, base, local, nullptr);
        json detail = {{"conflict", to_string(ConflictKind::update_delete)}, {"decision", to_string(decision)},
                       {"local", local}};
        if (decision == Decision::remote) {
          remove_locally(ctx, e, id, store::Origin::conflict, detail);
          ctx.stats.conflicts++;
        } else if (decision == Decision::local) {
          // The row is created again on the server (same id where the client picks
          // ids), carrying every edit of its entries still in the journal.
          ctx.s.journal.erase_row(e.name, id);
          meta->journal_seq = ctx.s.journal.record(e.name, id, journal::Op::create, nullptr, false, std::nullopt,
                                                   ctx.s.replica.now());
          meta->base_hash.reset();
          ctx.s.replica.drop_base(e, id);
          // The decision against the server's delete is recorded in history like any other.
          ctx.s.replica.replace(e, local, local, *meta, {store::Origin::conflict, meta->journal_seq, detail});
          ctx.stats.conflicts++;
        } else {
          record_conflict(ctx, e, id, ConflictKind::update_delete, base, local, nullptr, {}, meta->journal_seq);
        }
      }
    }
    tx.commit();
  }
}

// Rows with no view of their own (status-page comments) are confirmed gone by
// listing their parent's rows: a parent the server no longer has lists none.
void confirm_by_parent(SyncContext& ctx, const schema::Entity& e, const std::vector<std::string>& candidates) {
  std::map<std::string, std::vector<std::string>> by_parent;
  {
    std::lock_guard lock(ctx.s.mu);
    for (const auto& id : candidates)
      if (auto row = ctx.s.replica.get(e, id); row && row->value(e.parent_field, json()).is_string())
        by_parent[(*row)[e.parent_field].get<std::string>()].push_back(id);
  }
  for (const auto& [parent, ids] : by_parent) {
    ctx.check_cancel();
    std::unordered_set<std::string> listed;
    std::vector<json> rows;
    const auto& api = e.remote == "statuspage" ? schema::kStatusPagePaging : schema::kFourHsePaging;
    json body = {{"filter", {{e.parent_field, parent}}}, {"per-page", api.max_per_page}};
    for (int page = 1, pages = 1; page <= pages; ++page) {
      body["page"] = page;
      RemotePage got = ctx.remote.list(e.name, body);
      pages = got.page_count;
      for (auto& r : got.rows) rows.push_back(std::move(r));
    }
    std::lock_guard lock(ctx.s.mu);
    store::WriteTransaction tx(ctx.s.db, store::Commit::relaxed);
    for (const auto& r : rows)
      if (r.is_object() && r.value(e.key, json()).is_string()) {
        listed.insert(r[e.key].get<std::string>());
        apply_server_row(ctx, e, r);
      }
    for (const auto& id : ids)
      if (!listed.count(id)) remove_locally(ctx, e, id, store::Origin::pull, nullptr);
    tx.commit();
  }
}

void scan(SyncContext& ctx, const schema::Entity& e, const std::optional<std::string>& scope) {
  const std::string field = scope_field(e);
  const int per_page = ctx.config.sync.per_page;
  const int window = ctx.config.sync.concurrency * 2;
  json body = {{"per-page", per_page}, {"history", true}};
  if (scope) body["filter"] = {{field, *scope}};

  // A first scan of the scope: no row here that the server has seen. Every row it
  // leaves server-known then came from its own pages (a round pushes before and after
  // its pull, not during it; a local write makes no row server-known), so there is
  // nothing to confirm afterwards and no id to keep. A bootstrap's memory then does
  // not grow with its rows (16 bytes a row: bench_sync's peak RSS grew 3.3 MB from
  // 667k to 1M rows, and none with this).
  bool first_scan;
  {
    std::lock_guard lock(ctx.s.mu);
    first_scan = !ctx.s.replica.has_server_known(e, field, scope);
  }
  std::vector<PulledPage> firsts = ctx.remote.pull_pages(e.name, body, {1});
  if (firsts.size() != 1) throw Error(Code::internal, "the remote answered " + std::to_string(firsts.size()) + " pages for one");
  PulledPage& page1 = firsts.front();
  const int pages = std::max(1, page1.page_count);
  // Sized from the count the server announced, up to 2M ids (32 MB): it may say anything.
  SeenIds seen(size_t(std::clamp(page1.total_count, 0, 2'000'000)), !first_scan);
  PageWriter writer;
  const int page_one = 1;
  apply_window(ctx, e, {&page1, 1}, {&page_one, 1}, pages, seen, writer);  // page 1 not copied
  // The next window is fetched while this one is applied: the network and the
  // replica work at the same time; at most three windows are held in memory (the one
  // applied last until the next fetch frees it).
  // The window applied last goes with the fetch and is freed there, by a fetching
  // thread like the one that allocated it: freed here, it cost the bootstrap about 9%
  // more client CPU (bench_sync, glibc malloc).
  auto fetch = [&](int from, std::vector<PulledPage> applied) {
    std::vector<int> batch;
    for (int p = from; p < from + window && p <= pages; ++p) batch.push_back(p);
    return std::async(std::launch::async, [&ctx, &e, body, batch, applied = std::move(applied)]() mutable {
      std::vector<PulledPage>().swap(applied);
      return std::make_pair(batch, ctx.remote.pull_pages(e.name, body, batch));
    });
  };
  // An empty page is past the end, whatever the first page announced: a server
  // announcing a million pages cannot keep the scan going. (Not for comments: their
  // pages follow the incident pages, and an incident page may have no comment.) Rows
  // the scan then did not see are confirmed one by one below, never deleted on trust.
  auto past_end = [&e](const PulledPage& p) { return !e.append_only && p.rows.empty(); };
  bool ended = past_end(page1);
  std::future<std::pair<std::vector<int>, std::vector<PulledPage>>> next;
  if (pages >= 2 && !ended) next = fetch(2, {});
  std::vector<PulledPage> applied;
  for (int from = 2; from <= pages && !ended; from += window) {
    auto [batch, got] = next.get();
    for (const auto& p : got) ended = ended || past_end(p);
    if (from + window <= pages && !ended) next = fetch(from + window, std::move(applied));
    applied.clear();
    try {
      apply_window(ctx, e, got, batch, pages, seen, writer);
    } catch (...) {
      if (next.valid()) next.wait();  // never leave a fetch running on a scope that is gone
      throw;
    }
    applied = std::move(got);
  }
  // Complete: what the replica knows in this scope and the server did not list
  // (read row by row: only those are held).
  std::vector<std::string> missing;
  if (!first_scan) {
    std::lock_guard lock(ctx.s.mu);
    missing = ctx.s.replica.server_known_ids(e, field, scope, [&seen](const std::string& id) { return !seen.contains(id); });
  }
  if (e.append_only) confirm_by_parent(ctx, e, missing);
  else confirm_deletions(ctx, e, missing);
  std::lock_guard lock(ctx.s.mu);
  ctx.s.meta.record_scan(scope.value_or("*"), e.name, ctx.s.replica.now(), page1.total_count);
}

}  // namespace

void pull(SyncContext& ctx) {
  ctx.emit({{"type", "phase"}, {"phase", "pull"}});
  // The entities of the remote this replica mirrors.
  const std::string kind = to_string(ctx.config.remote.kind);
  // config::parse refuses projects on a status-page remote.
  std::vector<std::optional<std::string>> scopes(ctx.config.projects.begin(), ctx.config.projects.end());
  if (scopes.empty()) scopes.push_back(std::nullopt);
  for (const auto& e : schema::entities()) {
    if (e.remote != kind) continue;
    ctx.emit({{"type", "entity"}, {"entity", e.name}});
    for (const auto& scope : scopes) scan(ctx, e, scope);
  }
}

}  // namespace hse::engine::sync
