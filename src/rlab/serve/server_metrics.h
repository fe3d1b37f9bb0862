// The reward server's metrics in Prometheus's text format (GET /metrics):
//   rlab_serve_requests_total{endpoint,status}   requests answered
//   rlab_serve_errors_total{endpoint,reason}     of them, those answered with an error
//                                                (bad_request, unauthorized, not_found,
//                                                too_large, queue_full, unavailable, timeout,
//                                                internal)
//   rlab_serve_request_seconds{endpoint}         latency histogram of scoring requests
//   rlab_serve_batch_size                        histogram of the items per scored batch
//   rlab_serve_items_total                       items scored
//   rlab_serve_queue_depth                       items waiting for a batch
// Endpoints outside the server's own are counted as endpoint="other".
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace rlab::serve {

class ServerMetrics {
 public:
  explicit ServerMetrics(std::vector<std::string> endpoints);

  void CountRequest(const std::string& path, int status);
  void ObserveLatency(const std::string& path, double seconds);
  void ObserveBatch(int64_t items);
  // The text of GET /metrics, with the queue depth read now.
  std::string Render(int64_t queue_depth) const;

 private:
  struct Histogram {
    std::vector<double> bounds;
    std::vector<int64_t> counts;  // per bound, not cumulative; one more for +Inf
    double sum = 0;
    void Observe(double value);
  };
  const std::string& Endpoint(const std::string& path) const;

  std::vector<std::string> endpoints_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  std::map<std::string, Histogram> latency_;
  Histogram batch_size_;
  int64_t items_ = 0;
};

}  // namespace rlab::serve
