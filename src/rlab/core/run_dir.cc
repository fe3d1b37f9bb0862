#include "rlab/core/run_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "rlab/core/check.h"
#include "rlab/core/io.h"

namespace rlab {

namespace fs = std::filesystem;

namespace {
std::string Timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d-%H%M%S", &tm);
  return buffer;
}

// ".NAME.tmp.PID": the temporary file of an atomic write (TempPathFor in io.h).
bool IsAtomicWriteTemp(const fs::path& file) {
  const std::string name = file.filename().string();
  const size_t tmp = name.rfind(".tmp.");
  if (name.size() < 2 || name.front() != '.' || tmp == std::string::npos || tmp < 2) return false;
  const std::string pid = name.substr(tmp + 5);
  return !pid.empty() && pid.find_first_not_of("0123456789") == std::string::npos;
}

// The files every run writes from its start, whatever it computes.
bool IsBookkeeping(const fs::path& run, const fs::path& file) {
  if (file.parent_path() != run) return false;
  const std::string name = file.filename().string();
  // Metric lines are results: a run that failed after logging some keeps them for diagnosis.
  std::error_code ec;
  if (name == "metrics.jsonl") return fs::file_size(file, ec) == 0 && !ec;
  return name == "config.yaml" || name == "log.txt" || name == ".lock";
}

// Points `root`/NAME-latest at the run `dir` (a relative link, replaced atomically by a rename
// so that readers never miss it), so that commands can name the newest run of a kind without
// its timestamp. Child runs inside a run get none. A failure only costs the convenience.
void PointLatestLink(const fs::path& root, const std::string& name, const fs::path& dir) {
  if (RunDir::IsRun(root)) return;
  const fs::path temp = root / fmt::format(".{}-latest.tmp.{}", name, ::getpid());
  std::error_code ec, ignored;
  fs::remove(temp, ignored);
  fs::create_directory_symlink(dir.filename(), temp, ec);
  if (!ec) fs::rename(temp, root / (name + "-latest"), ec);
  if (ec) fs::remove(temp, ignored);
}

// Removes the NAME-latest links beside `dir` that point at it (the run is being removed).
void RemoveLatestLinksTo(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir.parent_path(), ec)) {
    std::error_code ignored;
    const bool link =
        entry.is_symlink(ignored) && entry.path().filename().string().ends_with("-latest");
    if (link && fs::read_symlink(entry.path(), ignored) == dir.filename())
      fs::remove(entry.path(), ignored);
  }
}
}  // namespace

RunDir RunDir::Create(const fs::path& root, const std::string& name) {
  RLAB_CHECK(!name.empty() && name.find('/') == std::string::npos,
             "run name '{}' must be non-empty and contain no '/'", name);
  std::error_code ec;
  fs::create_directories(root, ec);
  RLAB_CHECK(!ec, "cannot create the runs directory '{}': {} (choose another with run.out_dir)",
             root.string(), ec.message());
  const std::string base = name + "-" + Timestamp();
  for (int attempt = 1; attempt < 1000; ++attempt) {
    const fs::path dir = root / (attempt == 1 ? base : fmt::format("{}-{}", base, attempt));
    // mkdir is atomic: two runs started in the same second get different directories.
    if (::mkdir(dir.c_str(), 0755) == 0) {
      fs::create_directory(dir / "checkpoints", ec);
      RLAB_CHECK(!ec, "cannot create '{}': {}", (dir / "checkpoints").string(), ec.message());
      PointLatestLink(root, name, dir);
      return RunDir(dir);
    }
    RLAB_CHECK(errno == EEXIST,
               "cannot create run directory '{}': {} (choose another with run.out_dir)",
               dir.string(), std::strerror(errno));
  }
  RLAB_FAIL("cannot find a free run directory name under '{}'", root.string());
}

bool RunDir::IsRun(const fs::path& dir) {
  return fs::is_regular_file(dir / "config.yaml") && fs::is_directory(dir / "checkpoints");
}

RunDir RunDir::Open(const fs::path& dir) {
  RLAB_CHECK(fs::is_directory(dir), "'{}' does not exist or is not a directory", dir.string());
  RLAB_CHECK(IsRun(dir),
             "'{}' is not a run directory (it has no config.yaml and checkpoints/); pass the "
             "directory that `rlab run` printed",
             dir.string());
  return RunDir(dir);
}

void RunDir::RemoveStaleTempFiles() const {
  std::error_code ec;
  fs::recursive_directory_iterator it(path_, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && IsRun(it->path())) {
      it.disable_recursion_pending();  // a child run: cleaned when it resumes
    } else if (it->is_regular_file(ec) && IsAtomicWriteTemp(it->path())) {
      std::error_code removed;
      fs::remove(it->path(), removed);
    }
  }
}

bool RunDir::HoldsNoResults() const {
  std::error_code ec;
  fs::recursive_directory_iterator it(path_, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) || IsAtomicWriteTemp(it->path())) continue;
    if (!it->is_regular_file(ec) || !IsBookkeeping(path_, it->path())) return false;
  }
  return !ec;
}

void RunDir::RemoveQuietly() const {
  std::error_code ec;
  fs::remove_all(path_, ec);
  RemoveLatestLinksTo(path_);
}

bool RunDir::finished() const {
  if (!fs::exists(summary_path())) return false;
  const nlohmann::json summary = ReadSummary();
  // Summaries written before runs recorded their status are those of finished runs.
  return !summary.contains("status") || summary["status"] == kFinishedStatus;
}

void RunDir::WriteConfig(const std::string& yaml) const { WriteFileAtomic(config_path(), yaml); }

void RunDir::WriteSummary(const nlohmann::json& summary) const {
  WriteFileAtomic(summary_path(), summary.dump(2) + "\n");
}

nlohmann::json RunDir::ReadSummary() const { return ReadJsonFile(summary_path()); }

}  // namespace rlab
