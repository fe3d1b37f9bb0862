#include "rlab/serve/server_metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace rlab::serve {
namespace {

const std::vector<double> kLatencyBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                            0.25,  0.5,    1,     2.5,  5,     10};
const std::vector<double> kBatchBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256};
const std::string kOther = "other";

const char* ErrorReason(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 404: return "not_found";
    case 413: return "too_large";
    case 429: return "queue_full";
    case 503: return "unavailable";
    case 504: return "timeout";
    default: return "internal";
  }
}

void RenderHistogram(std::string& out, const std::string& name, const std::string& labels,
                     const std::vector<double>& bounds, const std::vector<int64_t>& counts,
                     double sum) {
  const std::string sep = labels.empty() ? "" : ",";
  int64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += counts[i];
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, bounds[i], cumulative);
  }
  cumulative += counts.back();
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, cumulative);
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, braces, sum, name, braces, cumulative);
}

}  // namespace

void ServerMetrics::Histogram::Observe(double value) {
  if (counts.empty()) counts.assign(bounds.size() + 1, 0);
  const auto at = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  ++counts[static_cast<std::size_t>(at)];
  sum += value;
}

ServerMetrics::ServerMetrics(std::vector<std::string> endpoints)
    : endpoints_(std::move(endpoints)) {
  batch_size_.bounds = kBatchBounds;
  batch_size_.counts.assign(kBatchBounds.size() + 1, 0);
}

const std::string& ServerMetrics::Endpoint(const std::string& path) const {
  const auto it = std::find(endpoints_.begin(), endpoints_.end(), path);
  return it == endpoints_.end() ? kOther : *it;
}

void ServerMetrics::CountRequest(const std::string& path, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{Endpoint(path), status}];
}

void ServerMetrics::ObserveLatency(const std::string& path, double seconds) {
  std::lock_guard lock(mutex_);
  Histogram& h = latency_[Endpoint(path)];
  h.bounds = kLatencyBounds;
  h.Observe(seconds);
}

void ServerMetrics::ObserveBatch(int64_t items) {
  std::lock_guard lock(mutex_);
  batch_size_.Observe(static_cast<double>(items));
  items_ += items;
}

std::string ServerMetrics::Render(int64_t queue_depth) const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP rlab_serve_requests_total Requests answered, by endpoint and status.\n";
  out += "# TYPE rlab_serve_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += fmt::format("rlab_serve_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n", key.first,
                       key.second, count);
  }
  out += "# HELP rlab_serve_errors_total Requests answered with an error, by endpoint and "
         "reason.\n";
  out += "# TYPE rlab_serve_errors_total counter\n";
  std::map<std::pair<std::string, std::string>, int64_t> errors;
  for (const auto& [key, count] : requests_) {
    if (key.second >= 400) errors[{key.first, ErrorReason(key.second)}] += count;
  }
  for (const auto& [key, count] : errors) {
    out += fmt::format("rlab_serve_errors_total{{endpoint=\"{}\",reason=\"{}\"}} {}\n", key.first,
                       key.second, count);
  }
  out += "# HELP rlab_serve_request_seconds Latency of scoring requests, by endpoint.\n";
  out += "# TYPE rlab_serve_request_seconds histogram\n";
  for (const auto& [endpoint, h] : latency_) {
    RenderHistogram(out, "rlab_serve_request_seconds", fmt::format("endpoint=\"{}\"", endpoint),
                    h.bounds, h.counts, h.sum);
  }
  out += "# HELP rlab_serve_batch_size Items per scored batch.\n";
  out += "# TYPE rlab_serve_batch_size histogram\n";
  RenderHistogram(out, "rlab_serve_batch_size", "", batch_size_.bounds, batch_size_.counts,
                  batch_size_.sum);
  out += "# HELP rlab_serve_items_total Items scored.\n# TYPE rlab_serve_items_total counter\n";
  out += fmt::format("rlab_serve_items_total {}\n", items_);
  out += "# HELP rlab_serve_queue_depth Items waiting for a batch.\n";
  out += "# TYPE rlab_serve_queue_depth gauge\n";
  out += fmt::format("rlab_serve_queue_depth {}\n", queue_depth);
  return out;
}

}  // namespace rlab::serve
