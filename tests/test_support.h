// Helpers shared by the tests: scratch directories and running the rlab binary.
#pragma once

#include <cstdlib>
#include <functional>
#include <filesystem>
#include <string>
#include <vector>

namespace rlab::testing {

// A fresh, empty directory under the build tree, removed when the object dies.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& child) const { return path_ / child; }

 private:
  std::filesystem::path path_;
};

void WriteText(const std::filesystem::path& path, const std::string& text);
std::string ReadText(const std::filesystem::path& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the rlab binary with `args` (no shell), capturing stdout and stderr.
CommandResult RunRlab(const std::vector<std::string>& args);
// Starts the rlab binary without waiting; stdout and stderr go to the given files. Each of
// `environment` ("NAME=value") is set for it on top of this process's environment.
int SpawnRlab(const std::vector<std::string>& args, const std::filesystem::path& out_file,
              const std::filesystem::path& err_file,
              const std::vector<std::string>& environment = {});
// Waits for a spawned process; returns its exit code (128 + signal if killed).
int WaitFor(int pid);

// The message of the rlab::Error that `fn` throws, or "" when it throws none.
std::string ErrorOf(const std::function<void()>& fn);

// The last non-empty line of `text`.
std::string LastLine(const std::string& text);

// Whether `part` occurs in `text`.
bool Contains(const std::string& text, const std::string& part);

// A path in the real data beside the repository (../shared/data/<relative>), which the
// `realdata` tests read and skip without.
std::filesystem::path SharedData(const std::string& relative);

}  // namespace rlab::testing
