#include "rlab/core/export/tensorboard_writer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/export/tensorboard_event.h"
#include "rlab/core/export/tfrecord.h"
#include "rlab/core/io.h"
#include "rlab/core/metrics.h"
#include "rlab/core/provenance.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kEventsPrefix = "events.out.tfevents.";

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void AddScalars(const nlohmann::json& object, const std::string& prefix,
                std::map<std::string, double>& scalars) {
  for (const auto& [key, value] : object.items()) {
    if (prefix.empty() && key == "step") continue;
    const std::string tag = prefix.empty() ? key : prefix + "/" + key;
    if (value.is_object()) {
      AddScalars(value, tag, scalars);
    } else if (value.is_number() && std::isfinite(value.get<double>())) {
      scalars[tag] = value.get<double>();
    }
  }
}

// The step of a metrics line; nullopt when it has none (such a line gets no event).
std::optional<int64_t> StepOf(const nlohmann::json& line) {
  const auto step = line.find("step");
  if (step == line.end() || !step->is_number()) return std::nullopt;
  return static_cast<int64_t>(std::llround(step->get<double>()));
}

// The Event of one metrics line at `wall_time`, or "" when it has no step or no scalar.
std::string EventOfLine(const nlohmann::json& line, double wall_time) {
  const std::optional<int64_t> step = StepOf(line);
  const std::map<std::string, double> scalars = ScalarsOfMetricsLine(line);
  if (!step || scalars.empty()) return "";
  return tensorboard::ScalarsEvent(wall_time, *step, scalars);
}

}  // namespace

std::map<std::string, double> ScalarsOfMetricsLine(const nlohmann::json& line) {
  std::map<std::string, double> scalars;
  if (line.is_object()) AddScalars(line, "", scalars);
  return scalars;
}

std::vector<fs::path> TensorBoardWriter::EventFilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().filename().string().starts_with(kEventsPrefix)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TensorBoardWriter::TensorBoardWriter(const fs::path& metrics_file)
    : dir_(metrics_file.parent_path().empty() ? fs::path(".") : metrics_file.parent_path()) {
  // Wall times of the events already written, record by record, to keep them in the rewrite.
  std::vector<fs::path> old_files = EventFilesIn(dir_);
  std::vector<double> old_wall_times;
  if (!old_files.empty()) {
    for (const std::string& event : tfrecord::Unframe(ReadFile(old_files.front()))) {
      const std::optional<double> wall_time = tensorboard::WallTimeOf(event);
      if (!wall_time) break;
      old_wall_times.push_back(*wall_time);
    }
  }
  const auto wall_time_of = [&](size_t record) {
    return record < old_wall_times.size() ? old_wall_times[record] : NowSeconds();
  };
  std::string events;
  size_t records = 1;  // the file version comes first
  try {
    if (fs::exists(metrics_file)) {
      MetricsReader reader(metrics_file);
      nlohmann::json line;
      while (reader.Next(line)) {
        const std::string event = EventOfLine(line, wall_time_of(records));
        if (event.empty()) continue;
        events += tfrecord::Frame(event);
        ++records;
      }
    }
  } catch (const Error& e) {
    // The export must not stop a run that its metrics log lets continue.
    spdlog::warn("TensorBoard events hold only the metric lines before the error: {}", e.what());
  }
  version_wall_time_ = wall_time_of(0);
  for (size_t i = 1; i < old_files.size(); ++i) fs::remove(old_files[i]);
  if (events.empty()) {
    if (!old_files.empty()) fs::remove(old_files.front());
    return;
  }
  path_ = old_files.empty() ? fs::path() : old_files.front();
  Append(events);
}

TensorBoardWriter::~TensorBoardWriter() { Close(); }

TensorBoardWriter::TensorBoardWriter(TensorBoardWriter&& other) noexcept
    : dir_(std::move(other.dir_)),
      path_(std::move(other.path_)),
      file_(other.file_),
      version_wall_time_(other.version_wall_time_) {
  other.file_ = nullptr;
}

TensorBoardWriter& TensorBoardWriter::operator=(TensorBoardWriter&& other) noexcept {
  if (this != &other) {
    Close();
    dir_ = std::move(other.dir_);
    path_ = std::move(other.path_);
    file_ = other.file_;
    version_wall_time_ = other.version_wall_time_;
    other.file_ = nullptr;
  }
  return *this;
}

void TensorBoardWriter::Close() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

void TensorBoardWriter::Write(const nlohmann::json& line) {
  if (dir_.empty()) return;  // a default-constructed writer writes nothing
  const std::string event = EventOfLine(line, NowSeconds());
  if (!event.empty()) Append(tfrecord::Frame(event));
}

void TensorBoardWriter::Append(std::string_view framed_events) {
  if (file_ == nullptr) {
    // The first write of this writer: the file starts again from its version event and the
    // events given (a replay of the log, or its first line), replacing any earlier content.
    if (path_.empty()) {
      path_ = dir_ /
              fmt::format("{}{}.{}", kEventsPrefix, static_cast<int64_t>(NowSeconds()), HostName());
    }
    std::string content = tfrecord::Frame(tensorboard::FileVersionEvent(version_wall_time_));
    content.append(framed_events);
    WriteFileAtomic(path_, content);
    file_ = std::fopen(path_.c_str(), "ab");
    RLAB_CHECK(file_ != nullptr, "cannot append to the TensorBoard events file {}: {}",
               path_.string(), std::strerror(errno));
    return;
  }
  const bool ok =
      std::fwrite(framed_events.data(), 1, framed_events.size(), file_) == framed_events.size() &&
      std::fflush(file_) == 0;
  RLAB_CHECK(ok, "cannot write the TensorBoard events file {}: {}", path_.string(),
             std::strerror(errno));
}

}  // namespace rlab
