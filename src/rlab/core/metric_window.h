// Running means of named figures: a logging window of training steps, or a held-out pass whose
// batches are weighted by their size. A NaN (a figure a batch cannot measure, such as KTO's
// desirable mean in a batch without a desirable completion) is left out of its mean.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "rlab/core/metrics.h"

namespace rlab {

class MetricWindow {
 public:
  void Add(const MetricList& metrics, double weight = 1.0) {
    for (const auto& [name, value] : metrics) {
      if (std::isnan(value)) continue;
      auto& [sum, w] = sums_[name];
      sum += value * weight;
      w += weight;
    }
  }
  // The means, by name, each as prefix + name.
  void AppendTo(MetricList& m, const std::string& prefix) const {
    for (const auto& [name, sw] : sums_) m.emplace_back(prefix + name, sw.first / sw.second);
  }
  void Clear() { sums_.clear(); }

 private:
  std::map<std::string, std::pair<double, double>> sums_;  // name -> (weighted sum, weight)
};

}  // namespace rlab
