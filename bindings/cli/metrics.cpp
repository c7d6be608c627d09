#include "bindings/cli/metrics.hpp"

#include <chrono>
#include <sstream>

namespace hse::cli {

using json = nlohmann::json;

void Metrics::on_event(const json& event) {
  if (event.value("type", "") != "round_finished" || !event.contains("report")) return;
  const json& r = event["report"];
  const json stats = r.value("stats", json::object());
  const bool ok = r.value("ok", false);
  const bool stopped = !ok && r.contains("error") && r["error"].value("code", "") == "cancelled";
  const double seconds = double(r.value("duration_ms", int64_t(0))) / 1000.0;
  std::lock_guard lock(mu_);
  (ok ? rounds_ok_ : stopped ? rounds_stopped_ : rounds_failed_)++;
  pulled_ += uint64_t(stats.value("pulled", 0));
  pushed_ += uint64_t(stats.value("pushed", 0));
  if (ok)
    last_success_s_ = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  buckets_[b]++;
  duration_sum_s_ += seconds;
}

void Metrics::set_status_source(std::function<json()> source) {
  std::lock_guard lock(mu_);
  source_ = std::move(source);
}

json Metrics::status() {
  std::lock_guard lock(mu_);
  if (!source_) return nullptr;
  json s = source_();
  s["rounds"] = {{"ok", rounds_ok_}, {"failed", rounds_failed_}, {"stopped", rounds_stopped_}};
  return s;
}

std::string Metrics::prometheus_text() {
  json st = status();
  std::lock_guard lock(mu_);
  std::ostringstream out;
  out.precision(15);
  auto metric = [&out](const char* name, const char* type, const char* help) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
  };
  metric("hse_rounds_total", "counter", "Sync rounds ended, by result.");
  out << "hse_rounds_total{result=\"ok\"} " << rounds_ok_ << "\n"
      << "hse_rounds_total{result=\"failed\"} " << rounds_failed_ << "\n"
      << "hse_rounds_total{result=\"stopped\"} " << rounds_stopped_ << "\n";
  metric("hse_rows_pulled_total", "counter", "Rows the pull wrote into the replica.");
  out << "hse_rows_pulled_total " << pulled_ << "\n";
  metric("hse_rows_pushed_total", "counter", "Journal entries the push delivered.");
  out << "hse_rows_pushed_total " << pushed_ << "\n";
  if (st.is_object()) {
    for (const char* gauge : {"pending", "held", "rejected", "conflicts"}) {
      const std::string name = std::string("hse_") + gauge;
      metric(name.c_str(), "gauge",
             gauge == std::string("conflicts") ? "Open conflicts left to the app." : "Journal entries in this state.");
      out << name << " " << st.value(gauge, 0) << "\n";
    }
  }
  metric("hse_last_success_timestamp_seconds", "gauge", "Unix time the last successful round ended (0: none yet).");
  out << "hse_last_success_timestamp_seconds " << last_success_s_ << "\n";
  metric("hse_round_duration_seconds", "histogram", "Duration of sync rounds.");
  uint64_t cumulative = 0;
  for (size_t b = 0; b < kBuckets.size(); ++b) {
    cumulative += buckets_[b];
    out << "hse_round_duration_seconds_bucket{le=\"" << kBuckets[b] << "\"} " << cumulative << "\n";
  }
  cumulative += buckets_.back();
  out << "hse_round_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "hse_round_duration_seconds_sum " << duration_sum_s_ << "\n"
      << "hse_round_duration_seconds_count " << cumulative << "\n";
  return out.str();
}

}  // namespace hse::cli
