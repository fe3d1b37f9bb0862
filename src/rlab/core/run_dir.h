// Run directories: runs/<name>-<timestamp>/ holding config.yaml (the effective config),
// metrics.jsonl, checkpoints/, log.txt and, once the run has ended, summary.json, whose
// "status" says how: "finished", "interrupted" (stopped by SIGTERM or SIGUSR1 after a
// checkpoint, resumable) or "failed" (with "error"; resumable from its last checkpoint).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>

namespace rlab {

class RunDir {
 public:
  // Creates a new, empty run directory under `root` (created if missing). Fails with a clear
  // message when `root` cannot be written.
  static RunDir Create(const std::filesystem::path& root, const std::string& name);
  // Opens an existing run (for --resume); fails unless `dir` looks like a run directory.
  static RunDir Open(const std::filesystem::path& dir);
  static bool IsRun(const std::filesystem::path& dir);

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path config_path() const { return path_ / "config.yaml"; }
  std::filesystem::path metrics_path() const { return path_ / "metrics.jsonl"; }
  std::filesystem::path checkpoints_dir() const { return path_ / "checkpoints"; }
  std::filesystem::path log_path() const { return path_ / "log.txt"; }
  std::filesystem::path summary_path() const { return path_ / "summary.json"; }
  // Whether the run has finished: summary.json with status "finished" (or with no status, as
  // written before runs recorded one). An interrupted or failed run can be resumed.
  bool finished() const;
  static constexpr const char* kFinishedStatus = "finished";

  // Removes the temporary files that atomic writes interrupted by a kill left behind
  // (".NAME.tmp.PID", see io.h), here and in subdirectories other than child runs, which are
  // cleaned when they resume. Call it only while holding the run's lock (run_lock.h).
  void RemoveStaleTempFiles() const;
  // Whether the run recorded nothing worth keeping: it holds only its config, log, lock and
  // metrics files, temporary files and empty directories (no checkpoint, no child run, no
  // model, no summary). A run that fails before its first checkpoint leaves such a directory,
  // which a resume would start again from the beginning.
  bool HoldsNoResults() const;
  // Removes the directory and everything in it; failures are ignored (for clean-up paths).
  void RemoveQuietly() const;

  void WriteConfig(const std::string& yaml) const;
  void WriteSummary(const nlohmann::json& summary) const;
  nlohmann::json ReadSummary() const;

 private:
  explicit RunDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace rlab
