// TensorBoard event files beside metrics.jsonl: every line of the metrics log becomes one
// Event at the line's step holding one scalar per numeric metric (nested objects give
// "outer/inner" tags; null, i.e. non-finite, values and lines without a numeric metric give
// none). TensorBoard reads the file live, and W&B imports it (`wandb sync --sync-tensorboard`).
//
// The events file is kept equal to the metrics log it mirrors: opening a writer replays the
// lines the log already holds into one file, events.out.tfevents.<time>.<host>, rewritten
// atomically under its old name (so a resumed run, whose log was cut back to its checkpoint,
// never shows the steps it logs again twice). Events of lines already written keep their
// wall times. The file is created with the first line, so a run that logged nothing has none.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rlab {

// The scalars of one metrics line, tag -> value ("step" excluded).
std::map<std::string, double> ScalarsOfMetricsLine(const nlohmann::json& line);

class TensorBoardWriter {
 public:
  TensorBoardWriter() = default;
  // Mirrors `metrics_file` into an events file in its directory (see above).
  explicit TensorBoardWriter(const std::filesystem::path& metrics_file);
  ~TensorBoardWriter();
  TensorBoardWriter(TensorBoardWriter&& other) noexcept;
  TensorBoardWriter& operator=(TensorBoardWriter&& other) noexcept;

  // Appends the Event of one metrics line (flushed, as the line is).
  void Write(const nlohmann::json& line);

  // The events file ("" before the first event).
  const std::filesystem::path& path() const { return path_; }

  // The events files in `dir` (events.out.tfevents.*), sorted by name.
  static std::vector<std::filesystem::path> EventFilesIn(const std::filesystem::path& dir);

 private:
  void Append(std::string_view framed_events);
  void Close();

  std::filesystem::path dir_;
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  double version_wall_time_ = 0.0;  // of the file's first event, kept across rewrites
};

}  // namespace rlab
