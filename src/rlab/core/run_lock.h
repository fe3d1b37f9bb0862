// The lock a process holds on a run directory while it runs it, so that two processes never
// write one run: a second `rlab run --resume` of a run (or a resume of a run that is still
// going) is refused with a message naming the directory. It is an flock(2) on RUN_DIR/.lock,
// which the operating system releases when the process ends, also when it is killed.
#pragma once

#include <filesystem>

namespace rlab {

class RunLock {
 public:
  // Takes the lock, or fails naming the directory (and the process that holds it).
  explicit RunLock(const std::filesystem::path& run_dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  static std::filesystem::path FileIn(const std::filesystem::path& run_dir) {
    return run_dir / ".lock";
  }

 private:
  int fd_ = -1;
};

}  // namespace rlab
