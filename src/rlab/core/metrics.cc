#include "rlab/core/metrics.h"

#include <fmt/format.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/json_text.h"

namespace rlab {

MetricsLogger::MetricsLogger(const std::filesystem::path& file)
    : writer_(file, /*append=*/true), events_(file) {}

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
  events_.Write(nlohmann::json(line));
  latest_ = values;
}

void MetricsLogger::TruncateAfter(const std::filesystem::path& file, int64_t step) {
  if (!std::filesystem::exists(file)) return;
  std::string kept;
  MetricsReader reader(file);
  nlohmann::json line;
  while (reader.Next(line)) {
    const auto s = line.find("step");
    if (s == line.end() || (s->is_number() && s->get<double>() <= static_cast<double>(step))) {
      kept += reader.text() + "\n";
    }
  }
  WriteFileAtomic(file, kept);
}

MetricsReader::MetricsReader(const std::filesystem::path& file)
    : file_(file), contents_(ReadFile(file)) {}

bool MetricsReader::Next(nlohmann::json& out) {
  while (offset_ < contents_.size()) {
    const size_t end = contents_.find('\n', offset_);
    if (end == std::string::npos) {  // no newline: the write of this line was cut short
      torn_ = true;
      offset_ = contents_.size();
      return false;
    }
    ++line_number_;
    line_.assign(contents_, offset_, end - offset_);
    offset_ = end + 1;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      out = ParseJsonLine(line_, Where());
    } catch (const Error& e) {
      RLAB_FAIL("{} (in the middle of the metrics log, where no kill tears a line: restore the "
                "file or start a new run)",
                e.what());
    }
    RLAB_CHECK(out.is_object(), "{}: expected a JSON object per line, got {}", Where(),
               out.type_name());
    return true;
  }
  return false;
}

std::string MetricsReader::Where() const {
  return fmt::format("{}:{}", file_.string(), line_number_);
}

}  // namespace rlab
