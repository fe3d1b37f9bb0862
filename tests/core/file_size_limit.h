// A full disk without privileges or a tiny file system: while a FileSizeLimit lives, writing a
// file past `bytes` fails with EFBIG (RLIMIT_FSIZE), as writing to a full disk fails with
// ENOSPC. SIGXFSZ, which the kernel also sends, is ignored meanwhile.
#pragma once

#include <sys/resource.h>

#include <csignal>

namespace rlab::testing {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

}  // namespace rlab::testing
