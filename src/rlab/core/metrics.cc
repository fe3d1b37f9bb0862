#include "rlab/core/metrics.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace rlab {

MetricsLogger::MetricsLogger(const std::filesystem::path& file) : writer_(file, /*append=*/true) {}

void MetricsLogger::Log(int64_t step, const MetricList& values) {
  nlohmann::ordered_json line;
  line["step"] = step;
  for (const auto& [name, value] : values) {
    if (std::isfinite(value)) {
      line[name] = value;
    } else {
      line[name] = nullptr;
      ++non_finite_;
    }
  }
  writer_.Write(line);
  latest_ = values;
}

void MetricsLogger::TruncateAfter(const std::filesystem::path& file, int64_t step) {
  FilterJsonl(file, [step](const nlohmann::json& line) {
    return !line.contains("step") || line["step"].get<int64_t>() <= step;
  });
}

}  // namespace rlab
