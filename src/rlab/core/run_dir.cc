#include "rlab/core/run_dir.h"

#include <sys/stat.h>

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

bool RunDir::finished() const { return fs::exists(summary_path()); }

void RunDir::WriteConfig(const std::string& yaml) const { WriteFileAtomic(config_path(), yaml); }

void RunDir::WriteSummary(const nlohmann::json& summary) const {
  WriteFileAtomic(summary_path(), summary.dump(2) + "\n");
}

nlohmann::json RunDir::ReadSummary() const { return ReadJsonFile(summary_path()); }

}  // namespace rlab
