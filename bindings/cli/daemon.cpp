#include "bindings/cli/daemon.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "adapters/remote_factory.hpp"
#include "bindings/cli/metrics.hpp"
#include "bindings/cli/metrics_server.hpp"
#include "engine/engine.hpp"

#ifdef HSE_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace hse::cli {

namespace {

using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// Tells systemd where the daemon is (Type=notify); nothing without libsystemd or
// outside systemd (sd_notify is a no-op when NOTIFY_SOCKET is unset).
void notify_systemd([[maybe_unused]] const char* state) {
#ifdef HSE_HAVE_SYSTEMD
  sd_notify(0, state);
#endif
}

// Writes the round log and the progress line; called on the engine's event thread.
class Reporter {
 public:
  explicit Reporter(bool tty) : tty_(tty) {}

  void on_event(const json& ev) {
    std::lock_guard lock(mu_);
    const std::string type = ev.value("type", "");
    if (type == "round_started") {
      round_start_ = SteadyClock::now();
      rows_ = 0;
    } else if (type == "page") {
      rows_ += ev.value("rows", 0);
      if (tty_) {
        double s = std::chrono::duration<double>(SteadyClock::now() - round_start_).count();
        std::fprintf(stderr, "\r\033[K%s page %d/%d  %lld rows  %.0f rows/s", ev.value("entity", "").c_str(),
                     ev.value("page", 0), ev.value("pages", 0), static_cast<long long>(rows_), s > 0 ? rows_ / s : 0.0);
        std::fflush(stderr);
      }
    } else if (type == "round_finished") {
      const json& r = ev["report"];
      const json& st = r["stats"];
      ++rounds_;
      if (tty_) std::fprintf(stderr, "\r\033[K");
      const bool stopped = r.contains("error") && r["error"].value("code", "") == "cancelled";
      const char* outcome = r.value("ok", false) ? "ok" : stopped ? "stopped" : "FAILED";
      std::fprintf(stderr, "round %llu: %s in %d rows, out %d, conflicts %d, rejected %d, pending %lld, %lld ms%s%s\n",
                   static_cast<unsigned long long>(rounds_), outcome,
                   st.value("pulled", 0), st.value("pushed", 0), st.value("conflicts", 0), st.value("rejected", 0),
                   static_cast<long long>(r.value("pending", 0)), static_cast<long long>(r.value("duration_ms", 0)),
                   r.contains("error") && !stopped ? ": " : "",
                   r.contains("error") && !stopped ? r["error"].value("message", "").c_str() : "");
      std::fflush(stderr);
    }
  }
  uint64_t rounds() {
    std::lock_guard lock(mu_);
    return rounds_;
  }

 private:
  std::mutex mu_;
  bool tty_;
  SteadyClock::time_point round_start_ = SteadyClock::now();
  int64_t rows_ = 0;
  uint64_t rounds_ = 0;
};

std::unique_ptr<engine::Engine> open_engine(const std::string& db, const json& overrides, Reporter& reporter,
                                            Metrics& metrics) {
  engine::EngineOptions options;
  options.remote_factory = adapters::make_remote;
  auto e = engine::Engine::open(db, overrides, options);
  e->set_event_sink([&reporter, &metrics](const json& ev) {
    reporter.on_event(ev);
    metrics.on_event(ev);
  });
  metrics.set_status_source([engine = e.get()] { return engine->status(); });
  return e;
}

}  // namespace

json run_daemon(const std::string& db, const DaemonOptions& options) {
  json overrides = json::object();
  if (options.interval_s > 0) overrides["sync"]["interval_s"] = options.interval_s;

  // Signals are taken synchronously by this thread only: block them before any
  // other thread starts, so that none of the engine's threads is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Reporter reporter(::isatty(STDERR_FILENO));
  Metrics metrics;
  auto engine = open_engine(db, overrides, reporter, metrics);
  // Declared after the engine: stopped (and its scrapes done) before the engine goes.
  std::unique_ptr<MetricsServer> server;
  if (!options.metrics.empty()) {
    server = std::make_unique<MetricsServer>(metrics, options.metrics);
    std::fprintf(stderr, "hse-sync: metrics on http://%s/metrics\n", server->address().c_str());
  }
  engine->start();
  notify_systemd("READY=1");
  std::fprintf(stderr, "hse-sync: syncing %s (SIGINT/SIGTERM to stop, SIGHUP to reload)\n", db.c_str());
  int64_t seen_version = engine->data_version();
  int stop_signal = 0;
  while (!stop_signal) {
    timespec tick{0, 300'000'000};
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      stop_signal = sig;
    } else if (sig == SIGHUP) {
      std::fprintf(stderr, "hse-sync: reloading the configuration\n");
      notify_systemd("RELOADING=1");
      engine->stop();
      metrics.set_status_source(nullptr);  // no scrape reads the engine that goes
      engine.reset();
      engine = open_engine(db, overrides, reporter, metrics);
      engine->start();
      seen_version = engine->data_version();
      notify_systemd("READY=1");
    } else {
      // Another process (hse-sync create, an app) wrote to the replica.
      int64_t v = engine->data_version();
      if (v != seen_version) {
        seen_version = v;
        engine->poke();
      }
    }
  }
  std::fprintf(stderr, "hse-sync: stopping after the current page\n");
  notify_systemd("STOPPING=1");
  engine->stop();
  json status = engine->status();
  return {{"stopped", stop_signal == SIGINT ? "SIGINT" : "SIGTERM"}, {"rounds", reporter.rounds()}, {"status", status}};
}

}  // namespace hse::cli
