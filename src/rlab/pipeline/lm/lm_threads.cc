#include "rlab/pipeline/lm/lm_threads.h"

#include <spdlog/spdlog.h>

#include "rlab/core/threads.h"

namespace rlab::pipeline {

void ConfigureLanguageModelThreads(const RunOptions& run) {
  if (run.threads != 0 || run.blas_threads != 0) return;
  const ThreadSettings s = ConfigureThreads(1, CoreCount());
  spdlog::info("threads: libtorch {}, OpenBLAS {}", s.torch_threads, s.blas_threads);
}

}  // namespace rlab::pipeline
