#include "rlab/core/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "rlab/core/check.h"

namespace rlab {

namespace {
// The process id the holder wrote into the lock file, as text ("" when unknown).
std::string HolderOf(int fd) {
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string pid = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}
}  // namespace

RunLock::RunLock(const std::filesystem::path& run_dir) {
  const std::filesystem::path file = FileIn(run_dir);
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  RLAB_CHECK(fd_ >= 0, "cannot open the lock file '{}' of run '{}': {}", file.string(),
             run_dir.string(), std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = HolderOf(fd_);
    ::close(fd_);
    fd_ = -1;
    RLAB_CHECK(error == EWOULDBLOCK, "cannot lock run '{}': {}", run_dir.string(),
               std::strerror(error));
    RLAB_FAIL(
        "run '{}' is in use by another rlab process{}; wait for it to end (or stop it) before "
        "resuming the run",
        run_dir.string(), holder.empty() ? "" : " (pid " + holder + ")");
  }
  // The holder's pid, for the message a second process prints; the lock works without it.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the file releases the lock
}

}  // namespace rlab
